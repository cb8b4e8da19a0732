// The determinations dicom_samples/EXPECTED.md promises for each sample set: the truth the
// front-door tests (listen, Orthanc) compare against, read from the document itself.
#pragma once

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace rtreview::test {

struct ExpectedSample {
  std::map<std::string, std::string> outcomes;  // policy id → outcome
  int exit_code = 0;
};

// set name → its row of EXPECTED.md's table.
inline std::map<std::string, ExpectedSample> expected_samples() {
  std::map<std::string, ExpectedSample> table;
  std::ifstream in(source_dir() / "dicom_samples" / "EXPECTED.md");
  std::string line;
  std::vector<std::string> header;
  auto cells = [](const std::string& row) {
    std::vector<std::string> out;
    std::stringstream s(row);
    std::string cell;
    std::getline(s, cell, '|');
    while (std::getline(s, cell, '|'))
      out.push_back(std::regex_replace(cell, std::regex(R"(^\s+|\s+$|`)"), ""));
    return out;
  };
  while (std::getline(in, line)) {
    if (line.rfind("| set |", 0) == 0) header = cells(line);
    if (header.empty() || line.rfind("| `", 0) != 0) continue;
    const auto c = cells(line);
    ExpectedSample e;
    for (std::size_t i = 1; i + 2 < header.size() && i < c.size(); ++i) e.outcomes[header[i]] = c[i];
    e.exit_code = std::stoi(c.at(header.size() - 1));
    table[c[0]] = e;
  }
  return table;
}

}  // namespace rtreview::test
