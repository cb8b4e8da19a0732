// The PDF renderer is a module the program loads only for a PDF (pdf_module.h): commands that
// write no PDF never load cairo or pango (the dynamic loader's own trace says which
// files it opened), and a copy of the binary without its module, or beside a broken one,
// still writes the other formats, names the module file and the reason, and exits 2.
// Likewise the front doors' libraries (web server, archives, DICOM networking) load only in
// the front-door program `rtreview serve` and `rtreview listen` hand over to (cli/front_door.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <utility>

#include "test_support.h"

namespace fs = std::filesystem;
using rtreview::test::run_command;

namespace {

fs::path samples() { return rtreview::test::source_dir() / "dicom_samples"; }
std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

// Runs `binary args` with the dynamic loader tracing the files it loads (LD_DEBUG=files:
// "file=libcairo.so.2 [0];  needed by ..." / "... dynamically loaded by ...") into stderr.
// Under `timeout`: a front door that failed to stop would otherwise serve forever.
rtreview::test::CommandResult traced(const fs::path& binary, const std::string& args) {
  return run_command("timeout 120 env -u RTREVIEW_RULESET_DIR LD_DEBUG=files " + quoted(binary) + " " + args);
}

bool loaded(const rtreview::test::CommandResult& run, const std::string& file) {
  return run.stderr_text.find("file=" + file) != std::string::npos ||
         run.stderr_text.find("/" + file) != std::string::npos;
}

// A copy of the built binary alone in <root>/bin (no module beside it, no lib/rtreview).
fs::path lone_binary(const fs::path& root) {
  fs::create_directories(root / "bin");
  fs::copy_file(RTREVIEW_BINARY, root / "bin" / "rtreview");
  return root / "bin" / "rtreview";
}

std::string review_args(const std::string& sample, const fs::path& out, const std::string& formats = "") {
  const fs::path set = samples() / sample;
  return "review " + quoted(set) + " --case " + quoted(samples() / "hn_imrt_7field" / "case.xml") +
         " --out " + quoted(out) + formats;
}

}  // namespace

TEST(pdf_module, only_a_pdf_loads_the_renderer_and_its_libraries) {
  const fs::path out = rtreview::test::make_temp_dir("rtreview-pdf-module");
  for (const std::string& args : {std::string("--version"), "dvh " + quoted(samples() / "hn_imrt_7field"),
                                  review_args("hn_imrt_7field", out / "json", " --format json,html")}) {
    const auto run = traced(RTREVIEW_BINARY, args);
    EXPECT_LT(run.exit_code, 2) << args << "\n" << run.stderr_text.substr(0, 2000);
    for (const char* library : {"rtreview-pdf.so", "libcairo.so", "libpango-1.0.so", "libglib-2.0.so"})
      EXPECT_FALSE(loaded(run, library)) << args << " loaded " << library;
  }
  const auto pdf = traced(RTREVIEW_BINARY, review_args("hn_imrt_7field", out / "pdf", " --format pdf"));
  EXPECT_EQ(pdf.exit_code, 0) << pdf.stderr_text.substr(0, 2000);
  EXPECT_TRUE(loaded(pdf, "rtreview-pdf.so"));
  EXPECT_TRUE(loaded(pdf, "libcairo.so"));
  EXPECT_TRUE(fs::is_regular_file(out / "pdf" / "packet.pdf"));
  fs::remove_all(out);
}

TEST(pdf_module, a_binary_without_its_module_writes_the_other_formats_and_exits_2) {
  const fs::path root = rtreview::test::make_temp_dir("rtreview-pdf-module");
  const fs::path binary = lone_binary(root);
  const auto run = run_command(quoted(binary) + " " + review_args("hn_imrt_7field", root / "out"));
  EXPECT_EQ(run.exit_code, 2) << run.stderr_text;
  const fs::path installed = root / "lib" / "rtreview" / "rtreview-pdf.so";
  EXPECT_NE(
      run.stderr_text.find((root / "out" / "packet.pdf").string() + ": error: cannot load the PDF renderer " +
                           installed.string() +
                           ": cannot open shared object file: No such file or directory (nor found at " +
                           (root / "bin" / "rtreview-pdf.so").string() + ")"),
      std::string::npos)
      << run.stderr_text;
  for (const char* file : {"packet.html", "packet.json", "summary.json"})
    EXPECT_TRUE(fs::is_regular_file(root / "out" / file)) << file;
  EXPECT_FALSE(fs::exists(root / "out" / "packet.pdf"));
  // Formats without PDF never need the module: the same copy reviews as usual.
  const auto json =
      run_command(quoted(binary) + " " + review_args("hn_imrt_7field", root / "json", " --format json"));
  EXPECT_EQ(json.exit_code, 0) << json.stderr_text;
  fs::remove_all(root);
}

TEST(pdf_module, a_broken_module_fails_every_pdf_of_a_batch_and_the_rest_is_written) {
  const fs::path root = rtreview::test::make_temp_dir("rtreview-pdf-module");
  const fs::path binary = lone_binary(root);
  const fs::path module = root / "bin" / "rtreview-pdf.so";
  std::ofstream(module) << "this is not a shared object, though it is named like one ........\n";
  const auto run = run_command(quoted(binary) + " " + review_args("two_patients_shared_for", root / "out"));
  EXPECT_EQ(run.exit_code, 2) << run.stderr_text;
  const std::string reason = "cannot load the PDF renderer " + module.string() + ": invalid ELF header";
  for (const char* folder : {"1-HN_PAT_A", "2-HN_PAT_B"}) {
    EXPECT_NE(run.stderr_text.find((root / "out" / folder / "packet.pdf").string() + ": error: " + reason),
              std::string::npos)
        << run.stderr_text;
    for (const char* file : {"packet.html", "packet.json"})
      EXPECT_TRUE(fs::is_regular_file(root / "out" / folder / file)) << folder << "/" << file;
    EXPECT_FALSE(fs::exists(root / "out" / folder / "packet.pdf"));
  }
  EXPECT_TRUE(fs::is_regular_file(root / "out" / "summary.json"));
  EXPECT_TRUE(fs::is_regular_file(root / "out" / "index.html"));
  fs::remove_all(root);
}

namespace {

// Libraries only the front doors use (and none of the other commands may load).
constexpr const char* front_door_libraries[] = {"libcpp-httplib.so", "libarchive.so", "libdcmnet.so",
                                                "libssl.so", "libkrb5.so"};

}  // namespace

TEST(front_door, other_commands_load_none_of_the_front_doors_libraries) {
  const fs::path out = rtreview::test::make_temp_dir("rtreview-fd-test");
  for (const std::string& args :
       {std::string("--version"), std::string("serve --help"), "dvh " + quoted(samples() / "hn_imrt_7field"),
        review_args("hn_imrt_7field", out / "json", " --format json,html")}) {
    const auto run = traced(RTREVIEW_BINARY, args);
    EXPECT_EQ(run.exit_code, 0) << args << "\n" << run.stderr_text.substr(0, 2000);
    for (const char* library : front_door_libraries)
      EXPECT_FALSE(loaded(run, library)) << args << " loaded " << library;
  }
  fs::remove_all(out);
}

// libcrypto is opened at the first hash (src/dicom/sha256.h): commands that hash nothing
// never load it; a review, which records each input's SHA-256, does.
TEST(start_up, libcrypto_loads_only_for_a_command_that_hashes) {
  const fs::path out = rtreview::test::make_temp_dir("rtreview-crypto-test");
  for (const std::string& args : {std::string("--version"), "dvh " + quoted(samples() / "hn_imrt_7field")}) {
    const auto run = traced(RTREVIEW_BINARY, args);
    EXPECT_EQ(run.exit_code, 0) << args << "\n" << run.stderr_text.substr(0, 2000);
    EXPECT_FALSE(loaded(run, "libcrypto.so")) << args;
  }
  const auto review = traced(RTREVIEW_BINARY, review_args("hn_imrt_7field", out / "json", " --format json"));
  EXPECT_EQ(review.exit_code, 0) << review.stderr_text.substr(0, 2000);
  EXPECT_TRUE(loaded(review, "libcrypto.so"));
  std::ifstream packet(out / "json" / "packet.json");
  const std::string text((std::istreambuf_iterator<char>(packet)), std::istreambuf_iterator<char>());
  EXPECT_TRUE(std::regex_search(text, std::regex("\"sha256\": ?\"[0-9a-f]{64}\""))) << text.substr(0, 500);
  fs::remove_all(out);
}

TEST(front_door, serve_and_listen_hand_over_to_the_front_door_program_which_loads_them) {
  const fs::path root = rtreview::test::make_temp_dir("rtreview-fd-test");
  std::ofstream(root / "a-file") << "not a folder\n";
  // A data folder that cannot be created: each front door refuses it at once, after the
  // handover, with its own message.
  const fs::path data = root / "a-file" / "data";
  const std::pair<std::string, std::string> commands[] = {
      {"listen", "rtreview listen: " + (data / "incoming").string() + ": error: Not a directory"},
      {"serve",
       "rtreview serve: " + data.string() + ": error: cannot create the data folder: Not a directory"}};
  for (const auto& [command, message] : commands) {
    const auto run = traced(RTREVIEW_BINARY, command + " --port 0 --data " + quoted(data));
    EXPECT_EQ(run.exit_code, 2) << command << "\n" << run.stderr_text.substr(0, 2000);
    EXPECT_NE(run.stderr_text.find(message), std::string::npos) << command;
    EXPECT_NE(
        run.stderr_text.find("initialize program: " +
                             (fs::path(RTREVIEW_BINARY).parent_path() / "rtreview-front-door").string()),
        std::string::npos)
        << command;
    EXPECT_TRUE(loaded(run, command == "serve" ? "libcpp-httplib.so" : "libdcmnet.so")) << command;
  }
  fs::remove_all(root);
}

TEST(front_door, a_binary_without_the_front_door_program_names_it_and_exits_2) {
  const fs::path root = rtreview::test::make_temp_dir("rtreview-fd-test");
  const fs::path binary = lone_binary(root);
  for (const char* command : {"serve --port 0", "listen --port 0 --data /nonexistent"}) {
    const auto run = run_command("timeout 30 " + quoted(binary) + " " + command);
    EXPECT_EQ(run.exit_code, 2) << command << ": " << run.stderr_text;
    const std::string name = std::string(command).substr(0, std::string(command).find(' '));
    EXPECT_NE(
        run.stderr_text.find("rtreview " + name + ": error: cannot start the front-door program " +
                             (root / "bin" / "rtreview-front-door").string() + ": No such file or directory"),
        std::string::npos)
        << run.stderr_text;
  }
  fs::remove_all(root);
}

// Without /proc/self/exe (a mount namespace with an empty /proc) the executable's folder is
// unknown: serve must refuse rather than run a file named like the front-door program from the
// current folder, and a PDF review must not load a module from it either.
TEST(front_door, an_unknown_executable_folder_runs_nothing_from_the_current_folder) {
#if defined(RTREVIEW_TEST_ASAN)
  // The sanitizers' exit-time leak check stops the world through /proc even with
  // detect_leaks=0 and fails the run: the GCC stage checks this behaviour.
  GTEST_SKIP() << "the sanitizer runtime needs /proc";
#endif
  if (run_command("unshare -m true").exit_code != 0) GTEST_SKIP() << "no mount namespace here (unshare -m)";
  const fs::path root = rtreview::test::make_temp_dir("rtreview-fd-test");
  const fs::path decoy = root / "rtreview-front-door";
  std::ofstream(decoy) << "#!/bin/sh\ntouch " << quoted(root / "decoy-ran") << "\n";
  fs::permissions(decoy, fs::perms::owner_all);
  fs::copy_file(decoy, root / "rtreview-pdf.so");
  // The command runs as "$@" after /proc is replaced, so its own quoting stays the outer shell's.
  const std::string without_proc = "cd " + quoted(root) +
                                   " && timeout 30 unshare -m sh -c 'mount -t "
                                   "tmpfs none /proc && exec \"$@\"' sh " +
                                   quoted(RTREVIEW_BINARY) + " ";
  const auto serve = run_command(without_proc + "serve --port 0");
  EXPECT_EQ(serve.exit_code, 2) << serve.stderr_text;
  EXPECT_NE(
      serve.stderr_text.find("rtreview serve: error: cannot locate the front-door program: the folder of "
                             "this executable is unknown"),
      std::string::npos)
      << serve.stderr_text;
  const auto pdf = run_command(without_proc + review_args("hn_imrt_7field", root / "out"));
  EXPECT_EQ(pdf.exit_code, 2) << pdf.stderr_text;
  EXPECT_NE(pdf.stderr_text.find("error: cannot locate the PDF renderer rtreview-pdf.so: the folder of this "
                                 "executable is unknown"),
            std::string::npos)
      << pdf.stderr_text;
  EXPECT_FALSE(fs::exists(root / "decoy-ran"));
  fs::remove_all(root);
}

namespace {

// The "sources" id in a `--version` line ("rtreview 0.1.0 (sources 0123456789abcdef)"), or "".
std::string sources_id(const std::string& version_line) {
  const std::string marker = "(sources ";
  const auto at = version_line.find(marker);
  if (at == std::string::npos || version_line.size() < at + marker.size() + 17) return "";
  const std::string id = version_line.substr(at + marker.size(), 16);
  if (id.find_first_not_of("0123456789abcdef") != std::string::npos ||
      version_line[at + marker.size() + 16] != ')')
    return "";
  return id;
}

std::string file_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST(front_door, both_programs_name_the_sources_they_were_built_from) {
  const fs::path front_door = fs::path(RTREVIEW_BINARY).parent_path() / "rtreview-front-door";
  const auto program = run_command(quoted(RTREVIEW_BINARY) + " --version");
  const auto door = run_command(quoted(front_door) + " --version");
  ASSERT_EQ(program.exit_code, 0);
  ASSERT_EQ(door.exit_code, 0);
  EXPECT_NE(sources_id(program.stdout_text), "") << program.stdout_text;
  EXPECT_EQ(program.stdout_text, door.stdout_text);
}

// A front-door program from another build beside rtreview (here: a copy of this build's with
// its source id bytes changed, as another build's would be) refuses to run serve or listen:
// it names both ids and exits 2 before it parses anything.
TEST(front_door, a_front_door_program_of_other_sources_refuses_to_run) {
  const std::string id = sources_id(run_command(quoted(RTREVIEW_BINARY) + " --version").stdout_text);
  ASSERT_EQ(id.size(), 16u);
  std::string other = id;
  std::reverse(other.begin(), other.end());
  if (other == id) other[0] = other[0] == '0' ? '1' : '0';
  const fs::path root = rtreview::test::make_temp_dir("rtreview-fd-test");
  const fs::path binary = lone_binary(root);
  std::string door = file_bytes(fs::path(RTREVIEW_BINARY).parent_path() / "rtreview-front-door");
  std::size_t replaced = 0;
  for (auto at = door.find(id); at != std::string::npos; at = door.find(id, at + id.size()), ++replaced)
    door.replace(at, id.size(), other);
  ASSERT_GE(replaced, 1u);
  const fs::path stale = root / "bin" / "rtreview-front-door";
  std::ofstream(stale, std::ios::binary) << door;
  fs::permissions(stale, fs::perms::owner_all);
  EXPECT_EQ(sources_id(run_command(quoted(stale) + " --version").stdout_text), other);
  for (const char* command : {"serve --port 0", "listen --port 0 --data /nonexistent"}) {
    const auto run = run_command("timeout 30 " + quoted(binary) + " " + command);
    EXPECT_EQ(run.exit_code, 2) << command << ": " << run.stderr_text;
    const std::string name = std::string(command).substr(0, std::string(command).find(' '));
    EXPECT_NE(run.stderr_text.find("rtreview " + name + ": error: the front-door program " + stale.string() +
                                   " was built from other sources (id " + other +
                                   ") than the rtreview that started it (id " + id + ")"),
              std::string::npos)
        << command << ": " << run.stderr_text;
  }
  fs::remove_all(root);
}

// cmake/source_id.cmake against sha256sum: the id is the first 16 hex digits of the SHA-256 of
// "<path relative to the root> <SHA-256 of the file>\n" per listed file; one changed byte in
// any file changes it.
TEST(front_door, the_source_id_is_a_hash_of_the_listed_files) {
  const fs::path root = rtreview::test::make_temp_dir("rtreview-source-id");
  fs::create_directories(root / "tree" / "src");
  std::ofstream(root / "tree" / "CMakeLists.txt") << "project(x)\n";
  std::ofstream(root / "tree" / "src" / "a.cpp") << "int a() { return 1; }\n";
  std::ofstream(root / "files.txt") << (root / "tree" / "CMakeLists.txt").string() << "\n"
                                    << (root / "tree" / "src" / "a.cpp").string() << "\n";
  auto generated_id = [&] {
    const auto run =
        run_command(quoted(RTREVIEW_CMAKE_COMMAND) + " -DROOT=" + quoted(root / "tree") +
                    " -DLIST=" + quoted(root / "files.txt") + " -DOUTPUT=" + quoted(root / "id.cpp") +
                    " -P " + quoted(rtreview::test::source_dir() / "cmake" / "source_id.cmake"));
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    const std::string text = file_bytes(root / "id.cpp");
    const auto at = text.find("return \"");
    return at == std::string::npos ? std::string() : text.substr(at + 8, 16);
  };
  auto expected_id = [&] {
    const std::string script = "cd " + quoted(root / "tree") +
                               " && for f in CMakeLists.txt src/a.cpp; do printf '%s %s\\n' \"$f\" "
                               "\"$(sha256sum \"$f\" | cut -c1-64)\"; done | sha256sum | cut -c1-16";
    const auto run = run_command(script);
    EXPECT_EQ(run.exit_code, 0) << run.stderr_text;
    return run.stdout_text.substr(0, 16);
  };
  const std::string first = generated_id();
  EXPECT_EQ(first, expected_id());
  std::ofstream(root / "tree" / "src" / "a.cpp") << "int a() { return 2; }\n";
  const std::string second = generated_id();
  EXPECT_EQ(second, expected_id());
  EXPECT_NE(first, second);
  fs::remove_all(root);
}
