// libFuzzer harness, differential: DCMTK dictionary text -> rtreview's parser
// (src/dicom/dictionary_text.cpp). Whenever the parser says it mirrors DCMTK's reading with
// certainty, DCMTK 3.6.7's own loadDictionary of the same bytes must give the same entries,
// field by field in iteration order, and the same verdict (a rejected line or none). Inputs the
// parser leaves to DCMTK are not given to DCMTK: some of them overflow its fixed buffers.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/oflog/oflog.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "dicom/dictionary_text.h"

namespace {

std::string quoted(const char* s) { return s ? "\"" + std::string(s) + "\"" : "null"; }

std::vector<std::string> entries(DcmDataDictionary& dictionary) {
  std::vector<std::string> out;
  auto text = [](const DcmDictEntry& e) {
    char key[96];
    std::snprintf(key, sizeof key, "(%04x,%04x)-(%04x,%04x) r%d/%d vr %d ", e.getGroup(), e.getElement(),
                  e.getUpperGroup(), e.getUpperElement(), static_cast<int>(e.getGroupRangeRestriction()),
                  static_cast<int>(e.getElementRangeRestriction()), static_cast<int>(e.getEVR()));
    return key + quoted(e.getTagName()) + " vm " + std::to_string(e.getVMMin()) + ".." +
           std::to_string(e.getVMMax()) + " " + quoted(e.getStandardVersion()) + " " +
           quoted(e.getPrivateCreator());
  };
  for (auto it = dictionary.normalBegin(); it != dictionary.normalEnd(); ++it)
    out.push_back("n " + text(**it));
  for (auto it = dictionary.repeatingBegin(); it != dictionary.repeatingEnd(); ++it)
    out.push_back("r " + text(**it));
  return out;
}

const std::string& scratch_file() {
  static const std::string path = (std::filesystem::temp_directory_path() /
                                   ("fuzz-dicom-dictionary-" + std::to_string(::getpid()) + ".dic"))
                                      .string();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  OFLog::configure(OFLogger::OFF_LOG_LEVEL);  // DCMTK logs every rejected line
  std::atexit([] { std::remove(scratch_file().c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace rtreview::dicom;
  const std::string input(reinterpret_cast<const char*>(data), size);
  DictionaryText text = parse_dictionary_text(input);
  if (!text.certain) return 0;
  std::ofstream(scratch_file(), std::ios::binary | std::ios::trunc) << input;
  DcmDataDictionary dcmtk(OFFalse, OFFalse);
  const bool dcmtk_ok = dcmtk.loadDictionary(scratch_file().c_str(), OFTrue);
  DcmDataDictionary ours(OFFalse, OFFalse);  // destroyed before `text`, whose storage its entries use
  for (auto& entry : text.entries) ours.addEntry(entry.release());
  const std::vector<std::string> expected = entries(dcmtk), actual = entries(ours);
  if (expected != actual || dcmtk_ok != (text.rejected_lines == 0)) {
    std::fprintf(stderr, "DCMTK %s (%zu entries), ours %d rejected (%zu entries)\n",
                 dcmtk_ok ? "ok" : "rejects", expected.size(), text.rejected_lines, actual.size());
    for (std::size_t i = 0; i < expected.size() || i < actual.size(); ++i)
      if (i >= expected.size() || i >= actual.size() || expected[i] != actual[i])
        std::fprintf(stderr, "  DCMTK: %s\n  ours:  %s\n", i < expected.size() ? expected[i].c_str() : "-",
                     i < actual.size() ? actual[i].c_str() : "-");
    std::abort();
  }
  return 0;
}
