// Private to src/dicom: DCMTK's data dictionary text format (dicom.dic, private.dic, ...),
// parsed without DCMTK's loader, which spends most of its time in sscanf.
#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rtreview::dicom {

// One dictionary file as DcmDataDictionary::loadDictionary (DCMTK 3.6.7, dcdict.cc) reads it:
// the entries it would add, in its order, and the lines it would reject with a message.
struct DictionaryText {
  // False when the file cannot be read, or holds a line whose meaning to DCMTK's sscanf and
  // fixed-size buffers is not certain (a NUL byte, a byte above 0x7F, a line DCMTK's fgets
  // would split, a number that overflows, a sign or "0x" before a hex number, a tag part
  // that would overflow DCMTK's 64-byte buffers): then only DCMTK's loader gives its result.
  bool certain = false;
  int rejected_lines = 0;  // lines DCMTK logs as bad and skips ("too few fields", "bad VM field", ...)
  // The file's text, where each entry's name, standard version and private creator are (the
  // entries do not copy them, unlike DCMTK's loader: see add_entries).
  std::unique_ptr<std::string> storage;
  std::vector<std::unique_ptr<DcmDictEntry>> entries;  // destroyed before `storage`
};

DictionaryText parse_dictionary_text(std::string text);

// The file read whole, then parsed; not certain when it cannot be read.
DictionaryText parse_dictionary_file(const std::string& path);

// Hands the entries to `dictionary` in file order, as loadDictionary's addEntry calls would,
// and keeps their text until the process ends.
void add_entries(DcmDataDictionary& dictionary, DictionaryText& text);

}  // namespace rtreview::dicom
