// libFuzzer harness: the web front door's request bodies (src/serve/api.h). Bytes → JSON →
// case_file_download(): the form's answers → CaseFile → case-file XML → the CLI's case-file
// reader, the path every evaluate / form / packet request takes before it touches an upload.
// Besides crashes, it aborts when the API breaks its promises: the answer is 200 or 400 (a
// bad body is the client's error, never the server's), and a 200's XML is a case file the CLI
// reads; that case, as the form's JSON again, is read by the CLI as the same case (the reader
// may normalise spellings once, e.g. a signer's role, but never loses or changes an answer).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "rtreview/policy.h"
#include "serve/api.h"
#include "serve/case_json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rtreview;
  const nlohmann::json request =
      nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) return 0;  // the server answers 400 before the API sees it
  const serve::ApiResponse answer = serve::case_file_download(request);
  if (answer.status != 200 && answer.status != 400) std::abort();
  if (answer.status != 200) return 0;
  const CaseFileLoad load = parse_case_file(answer.body, "case.xml");
  if (!load.result) std::abort();
  const nlohmann::ordered_json read = serve::case_to_json(load.case_file);
  const serve::ApiResponse second = serve::case_file_download({{"case", nlohmann::json::parse(read.dump())}});
  const CaseFileLoad reload =
      second.status == 200 ? parse_case_file(second.body, "case.xml") : CaseFileLoad{};
  if (second.status != 200 || !reload.result || serve::case_to_json(reload.case_file) != read) {
    std::fprintf(stderr,
                 "the case read from the download does not survive the form\n--- first (%d)\n%s\n--- second "
                 "(%d)\n%s\n",
                 answer.status, answer.body.c_str(), second.status, second.body.c_str());
    std::abort();
  }
  return 0;
}
