// DCMTK's data dictionary loaded on two threads (start_loading_dicom_dictionary) holds exactly
// the entries DCMTK's own one-thread load of the same files holds. The truth is a
// DcmDataDictionary that loads the path list itself, in DCMTK's code. One test per process:
// DCMTK's global dictionary is loaded once.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "rtreview/dicom_io.h"

namespace rtreview {
namespace {

std::string entry_text(const DcmDictEntry& e) {
  char key[64];
  std::snprintf(key, sizeof key, "(%04x,%04x)-(%04x,%04x) r%d/%d ", e.getGroup(), e.getElement(),
                e.getUpperGroup(), e.getUpperElement(), static_cast<int>(e.getGroupRangeRestriction()),
                static_cast<int>(e.getElementRangeRestriction()));
  auto text = [](const char* s) { return std::string(s ? s : "-"); };
  return key + std::string(e.getVR().getVRName()) + " " + text(e.getTagName()) + " " +
         std::to_string(e.getVMMin()) + "-" + std::to_string(e.getVMMax()) + " " +
         text(e.getStandardVersion()) + " " + text(e.getPrivateCreator());
}

// Every entry, normal and repeating, as sorted text.
std::vector<std::string> entries(DcmDataDictionary& dictionary) {
  std::vector<std::string> out;
  for (auto it = dictionary.normalBegin(); it != dictionary.normalEnd(); ++it)
    out.push_back(entry_text(**it));
  for (auto it = dictionary.repeatingBegin(); it != dictionary.repeatingEnd(); ++it)
    out.push_back("repeating " + entry_text(**it));
  std::sort(out.begin(), out.end());
  return out;
}

TEST(DicomDictionary, two_thread_load_holds_what_dcmtks_own_load_holds) {
  const char* env = std::getenv(DCM_DICT_ENVIRONMENT_VARIABLE);
  const std::string list = env && *env ? env : DCM_DICT_DEFAULT_PATH;
  const std::size_t separator = list.find(ENVIRONMENT_PATH_SEPARATOR);
  if (separator == std::string::npos)
    GTEST_SKIP() << "one dictionary file (" << list << "): nothing to split";
  const std::string first_file = list.substr(0, separator);

  start_loading_dicom_dictionary();
  EXPECT_EQ(std::string(std::getenv(DCM_DICT_ENVIRONMENT_VARIABLE)), first_file);
  Inventory inventory;  // any read waits for the load and merges it
  const std::uint8_t not_dicom[] = {'n', 'o', 't'};
  read_bytes("not-dicom", not_dicom, sizeof not_dicom, inventory);
  ASSERT_EQ(inventory.unreadable.size(), 1u);

  setenv(DCM_DICT_ENVIRONMENT_VARIABLE, list.c_str(), 1);
  DcmDataDictionary reference(OFFalse, OFTrue);  // DCMTK loads the whole list, in order
  ASSERT_TRUE(reference.isDictionaryLoaded());
  DcmDataDictionary first_only(OFFalse, OFFalse);
  ASSERT_TRUE(first_only.loadDictionary(first_file.c_str()));

  DcmDataDictionary& global = dcmDataDict.wrlock();
  const std::vector<std::string> loaded = entries(global);
  const bool global_loaded = global.isDictionaryLoaded();
  dcmDataDict.wrunlock();
  EXPECT_TRUE(global_loaded);
  const std::vector<std::string> expected = entries(reference);
  EXPECT_GT(expected.size(), entries(first_only).size()) << "the other files add entries";
  ASSERT_EQ(loaded.size(), expected.size());
  std::vector<std::string> missing, extra;
  std::set_difference(expected.begin(), expected.end(), loaded.begin(), loaded.end(),
                      std::back_inserter(missing));
  std::set_difference(loaded.begin(), loaded.end(), expected.begin(), expected.end(),
                      std::back_inserter(extra));
  EXPECT_TRUE(missing.empty()) << missing.size() << " missing, first: " << missing.front();
  EXPECT_TRUE(extra.empty()) << extra.size() << " extra, first: " << extra.front();
}

}  // namespace
}  // namespace rtreview
