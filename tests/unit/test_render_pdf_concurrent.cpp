// `rtreview serve` renders the PDFs of concurrent requests on several threads. While two
// threads lay text out at once, pango 1.50 / cairo 1.16 now and then break a hyphenated word
// one letter later (seen in 1 of 16 renders), so the same packet gave different bytes. The
// module renders one PDF at a time; the truth here is a lone render in a fresh process:
// every one of two renders started together in a fresh process must give its bytes. Each
// round is a fresh child process (fork) because the effect shows while pango's and cairo's
// per-process font caches fill. The packet breaks many long words (UIDs, digests, paths) in
// narrow table cells, in regular and bold type.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <latch>
#include <sstream>
#include <string>
#include <thread>

#include "rtreview/render.h"
#include "test_support.h"

namespace rtreview {
namespace {

namespace fs = std::filesystem;

ReviewPacket hyphenating_packet() {
  ReviewPacket p;
  p.title = "Review packet: concurrent renders";
  p.patient.id = "P1";
  p.plan.label = "HN";
  p.overall = "MEETS";
  for (int i = 0; i < 150; ++i) {
    Finding f;
    f.id = i < 40 ? "CHECK_" + std::to_string(i) : "COMPENSATOR_DESIGN_" + std::to_string(i * 7919);
    f.status = i % 3 == 0 ? Status::fail : Status::pass;
    f.subject = "RS1.2.752.243.1.1.20180405114728127." + std::to_string(i);
    f.message = "finding " + std::to_string(i);
    p.findings.push_back(f);
  }
  for (int i = 0; i < 120; ++i) {
    PacketInputFile input;
    input.role = "RTDOSE";
    input.path = "/data/exports/BrainSRSRaystationIMRT/RD" + std::to_string(i * 104729) + ".dcm";
    input.sop_instance_uid = "1.2.752.243.1.1.20180405114728127." + std::to_string(i);
    input.sha256 = std::string(56, 'e') + std::to_string(10000000 + i * 7);
    input.size_bytes = 1000 + i;
    p.inputs.push_back(input);
  }
  return p;
}

std::string read_bytes(const fs::path& file) {
  std::ostringstream bytes;
  bytes << std::ifstream(file, std::ios::binary).rdbuf();
  return bytes.str();
}

// Renders the packet `renders` times at once (one thread each) in a fresh child process;
// the files out_0.pdf ... hold the bytes. False when the child failed.
bool render_in_child(const ReviewPacket& packet, int renders, const fs::path& dir) {
  const pid_t child = fork();
  if (child == 0) {
    std::latch start(renders);
    std::vector<std::thread> threads;
    std::vector<RenderedPdf> pdfs(static_cast<std::size_t>(renders));
    for (int k = 0; k < renders; ++k)
      threads.emplace_back([&, k] {
        start.arrive_and_wait();
        pdfs[static_cast<std::size_t>(k)] = render_pdf_bytes(packet, PaperSize::a4);
      });
    bool ok = true;
    for (int k = 0; k < renders; ++k) {
      threads[static_cast<std::size_t>(k)].join();
      const RenderedPdf& pdf = pdfs[static_cast<std::size_t>(k)];
      ok = ok && pdf.result;
      std::ofstream(dir / ("out_" + std::to_string(k) + ".pdf"), std::ios::binary) << pdf.bytes;
    }
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  return child > 0 && waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST(RenderPdfConcurrent, renders_started_together_give_the_bytes_of_a_lone_render) {
  const fs::path dir = test::make_temp_dir("rtreview-pdf-concurrent");
  const ReviewPacket packet = hyphenating_packet();
  ASSERT_TRUE(render_in_child(packet, 1, dir)) << "the lone render failed";
  const std::string lone = read_bytes(dir / "out_0.pdf");
  ASSERT_GT(lone.size(), 1000u);
  constexpr int rounds = 8;
  for (int round = 0; round < rounds; ++round) {
    ASSERT_TRUE(render_in_child(packet, 2, dir)) << "round " << round;
    for (int k = 0; k < 2; ++k)
      EXPECT_TRUE(read_bytes(dir / ("out_" + std::to_string(k) + ".pdf")) == lone)
          << "round " << round << ", render " << k << " differs from the lone render";
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace rtreview
