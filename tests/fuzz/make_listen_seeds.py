#!/usr/bin/env python3
"""Records the seeds of fuzz_listen_association: what real DCMTK peers (echoscu, storescu) send
to `rtreview listen` on one connection each, through a relaying proxy that keeps the peer's
bytes. The SCP's answers only name the presentation contexts it accepted, and the harness's SCP
accepts the same ones, so each recorded stream plays a whole session against the harness.

    tests/fuzz/make_listen_seeds.py --rtreview build/rtreview
"""
import argparse
import json
import os
import pathlib
import socket
import subprocess
import tempfile
import threading

SOURCE = pathlib.Path(__file__).resolve().parents[2]
SAMPLES = SOURCE / "dicom_samples"

# name → (peer tool, its options, files sent).
RP_SMALL = str(SAMPLES / "gamma_knife_like" / "RP.dcm")
SESSIONS = {
    "echo": ("echoscu", ["-aec", "RTREVIEW"], []),
    "store-small-plan": ("storescu", ["-aec", "RTREVIEW"], [RP_SMALL]),
    "store-plan-implicit-vr": ("storescu", ["-aec", "RTREVIEW", "-xi"], [str(SAMPLES / "hn_3d_fif" / "RP.dcm")]),
    "store-plan-big-endian": ("storescu", ["-aec", "RTREVIEW", "-xb"], [str(SAMPLES / "hn_dca_2arc" / "RP.dcm")]),
    "store-same-plan-twice": ("storescu", ["-aec", "RTREVIEW"], [RP_SMALL, RP_SMALL]),
    "called-ae-rejected": ("storescu", ["-aec", "NOT_US"], [RP_SMALL]),
}


class RecordingProxy:
    """Relays one connection at a time to the listener and keeps what the peer sent."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.recorded = b""

    def relay_one(self):
        peer, _ = self.server.accept()
        upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        chunks = []

        def pump(source, sink, keep):
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if keep is not None:
                    keep.append(data)
                sink.sendall(data)
            try:
                sink.shutdown(socket.SHUT_WR)
            except OSError:
                pass

        back = threading.Thread(target=pump, args=(upstream, peer, None))
        back.start()
        try:
            pump(peer, upstream, chunks)
        except OSError:
            pass
        back.join(timeout=10)
        peer.close()
        upstream.close()
        self.recorded = b"".join(chunks)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rtreview", required=True)
    parser.add_argument("--out", default=str(SOURCE / "tests" / "fuzz" / "seeds" / "fuzz_listen_association"))
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as data:
        listener = subprocess.Popen([args.rtreview, "listen", "--data", data, "--port", "0",
                                     "--quiet-seconds", "86400", "--log-json"],
                                    stderr=subprocess.PIPE, text=True)
        try:
            port = None
            for line in listener.stderr:
                event = json.loads(line)
                if event.get("event") == "listening":
                    port = event["port"]
                    break
            for name, (tool, options, files) in SESSIONS.items():
                proxy = RecordingProxy(port)
                relay = threading.Thread(target=proxy.relay_one)
                relay.start()
                subprocess.run([tool] + options + ["127.0.0.1", str(proxy.port)] + files,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=30)
                relay.join(timeout=30)
                proxy.server.close()
                (out / name).write_bytes(proxy.recorded)
                print(f"{name}: {len(proxy.recorded)} bytes")
        finally:
            listener.terminate()
            listener.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
