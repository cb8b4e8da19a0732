// DCMTK's data dictionary as rtreview loads it (its own parser, dictionary_text.cpp, on two
// threads) holds exactly what DCMTK's own loader makes of the same files: every entry, field by
// field, in DCMTK's iteration order. The truth is DCMTK 3.6.7's DcmDataDictionary loading the
// same files itself (dcdict.cc, sscanf and all), for the installed dictionaries and for forged
// files covering each syntax case and malformed line.
#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/oflog/oflog.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "dicom/dictionary_text.h"
#include "rtreview/dicom_io.h"

namespace rtreview {
namespace {

namespace fs = std::filesystem;

std::string quoted(const char* s) { return s ? "\"" + std::string(s) + "\"" : "null"; }

// Every field DcmDictEntry exposes.
std::string entry_text(const DcmDictEntry& e) {
  char key[96];
  std::snprintf(key, sizeof key, "(%04x,%04x)-(%04x,%04x) group-restriction %d element-restriction %d ",
                e.getGroup(), e.getElement(), e.getUpperGroup(), e.getUpperElement(),
                static_cast<int>(e.getGroupRangeRestriction()),
                static_cast<int>(e.getElementRangeRestriction()));
  return key + std::string("vr ") + std::to_string(static_cast<int>(e.getEVR())) + " " +
         e.getVR().getVRName() + " name " + quoted(e.getTagName()) + " vm " + std::to_string(e.getVMMin()) +
         ".." + std::to_string(e.getVMMax()) + " version " + quoted(e.getStandardVersion()) + " creator " +
         quoted(e.getPrivateCreator());
}

// Every entry, normal then repeating, in the dictionary's own iteration order (the same
// addEntry calls in the same order leave the same hash buckets and the same repeating list).
std::vector<std::string> entries(DcmDataDictionary& dictionary) {
  std::vector<std::string> out;
  for (auto it = dictionary.normalBegin(); it != dictionary.normalEnd(); ++it)
    out.push_back("normal " + entry_text(**it));
  for (auto it = dictionary.repeatingBegin(); it != dictionary.repeatingEnd(); ++it)
    out.push_back("repeating " + entry_text(**it));
  return out;
}

// Empty when equal; else where the first difference is.
std::string difference(const std::vector<std::string>& expected, const std::vector<std::string>& actual) {
  for (std::size_t i = 0; i < expected.size() && i < actual.size(); ++i)
    if (expected[i] != actual[i])
      return "entry " + std::to_string(i) + ":\n  DCMTK: " + expected[i] + "\n  ours:  " + actual[i];
  if (expected.size() != actual.size())
    return std::to_string(expected.size()) + " entries from DCMTK, " + std::to_string(actual.size()) +
           " ours";
  return {};
}

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("rtreview-dict-" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  std::string write(const std::string& name, const std::string& text) const {
    const fs::path file = path_ / name;
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }

 private:
  fs::path path_;
};

std::vector<std::string> default_files() {
  std::vector<std::string> files;
  const std::string list = DCM_DICT_DEFAULT_PATH;
  for (std::size_t begin = 0, end = 0; begin <= list.size(); begin = end + 1) {
    end = list.find(ENVIRONMENT_PATH_SEPARATOR, begin);
    if (end == std::string::npos) end = list.size();
    if (end > begin) files.push_back(list.substr(begin, end - begin));
  }
  return files;
}

// ---- the global dictionary, loaded by rtreview, against DCMTK's own load of the same list.
// Each case runs in a child process: DCMTK creates its global dictionary once per process.

// In the child: load as a command does, compare, report on stderr, exit 0 when equal.
[[noreturn]] void check_global_dictionary(const char* path_list, bool expect_entries = true) {
  OFLog::configure(OFLogger::WARN_LOG_LEVEL);  // DCMTK's messages, as a command shows them
  if (path_list)
    setenv(DCM_DICT_ENVIRONMENT_VARIABLE, path_list, 1);
  else
    unsetenv(DCM_DICT_ENVIRONMENT_VARIABLE);
  start_loading_dicom_dictionary();
  const char* env = std::getenv(DCM_DICT_ENVIRONMENT_VARIABLE);
  if ((env == nullptr) != (path_list == nullptr) || (env && std::string(env) != path_list)) {
    std::cerr << "DCMDICTPATH changed to " << quoted(env) << "\n";
    std::exit(1);
  }
  Inventory inventory;  // any read waits for the load
  const std::uint8_t not_dicom[] = {'n', 'o', 't'};
  read_bytes("not-dicom", not_dicom, sizeof not_dicom, inventory);

  DcmDataDictionary reference(OFTrue, OFTrue);  // as DCMTK creates its global dictionary
  DcmDataDictionary& global = dcmDataDict.wrlock();
  const std::vector<std::string> loaded = entries(global);
  const bool global_loaded = global.isDictionaryLoaded();
  dcmDataDict.wrunlock();
  const std::string diff = difference(entries(reference), loaded);
  if (!diff.empty()) std::cerr << diff << "\n";
  if (global_loaded != reference.isDictionaryLoaded()) std::cerr << "loaded flag differs\n";
  const bool entries_as_expected = (loaded.size() > 4) == expect_entries;  // 4: DCMTK's skeleton
  if (!entries_as_expected) std::cerr << loaded.size() << " entries\n";
  std::exit(diff.empty() && global_loaded == reference.isDictionaryLoaded() && entries_as_expected ? 0 : 1);
}

// gtest's "fast" death tests fork: the parent has no thread and never creates the global
// dictionary, and it removes the forged files the children read.
class DicomDictionaryGlobal : public ::testing::Test {
 protected:
  TempDir dir_;
};

TEST_F(DicomDictionaryGlobal, default_path_list) {
  EXPECT_EXIT(check_global_dictionary(nullptr), ::testing::ExitedWithCode(0), "");
}

// A user's list: its files in its order, later files replacing earlier entries of a tag.
TEST_F(DicomDictionaryGlobal, user_path_list_in_its_order) {
  const fs::path share = fs::path(default_files().front()).parent_path();
  const std::string list = (share / "private.dic").string() + ":" + (share / "acrnema.dic").string() + ":" +
                           (share / "dicom.dic").string() + ":" + (share / "diconde.dic").string();
  for (const char* name : {"private.dic", "acrnema.dic", "dicom.dic", "diconde.dic"})
    if (!fs::exists(share / name)) GTEST_SKIP() << share / name << " is not installed";
  EXPECT_EXIT(check_global_dictionary(list.c_str()), ::testing::ExitedWithCode(0), "");
}

TEST_F(DicomDictionaryGlobal, one_file) {
  const std::string first = default_files().front();
  EXPECT_EXIT(check_global_dictionary(first.c_str()), ::testing::ExitedWithCode(0), "");
}

// DCMTK logs a rejected line and its load counts as failed: DCMTK loads the list itself.
TEST_F(DicomDictionaryGlobal, rejected_line_leaves_the_list_to_dcmtk) {
  const std::string forged = dir_.write("bad.dic", "(0009,0010)\tLO\tForged\t1\n(0009,0011)\tLO\n");
  const std::string list = default_files().front() + ":" + forged;
  EXPECT_EXIT(check_global_dictionary(list.c_str()), ::testing::ExitedWithCode(0), "too few fields");
}

TEST_F(DicomDictionaryGlobal, missing_file_leaves_the_list_to_dcmtk) {
  const std::string list = default_files().front() + ":/nonexistent/rtreview.dic";
  EXPECT_EXIT(check_global_dictionary(list.c_str()), ::testing::ExitedWithCode(0), "Cannot open file");
}

TEST_F(DicomDictionaryGlobal, only_missing_files) {
  EXPECT_EXIT(check_global_dictionary("/nonexistent/a.dic:/nonexistent/b.dic", false),
              ::testing::ExitedWithCode(0), "Cannot open file");
}

// ---- the parser, file by file, against DcmDataDictionary::loadDictionary of the same file.

struct Comparison {
  bool certain = false;
  std::string diff;       // empty: the same entries
  bool dcmtk_ok = false;  // loadDictionary's answer: no rejected line
  int rejected = 0;
};

Comparison compare_with_dcmtk(const std::string& file) {
  Comparison out;
  dicom::DictionaryText text = dicom::parse_dictionary_file(file);
  out.certain = text.certain;
  out.rejected = text.rejected_lines;
  if (!text.certain) return out;
  DcmDataDictionary ours(OFFalse, OFFalse);  // the skeleton entries DCMTK always starts with
  dicom::add_entries(ours, text);
  DcmDataDictionary dcmtk(OFFalse, OFFalse);
  out.dcmtk_ok = dcmtk.loadDictionary(file.c_str(), OFTrue);
  out.diff = difference(entries(dcmtk), entries(ours));
  return out;
}

TEST(DicomDictionaryText, installed_files_parse_as_dcmtk_loads_them) {
  const fs::path share = fs::path(default_files().front()).parent_path();
  int files = 0;
  for (const fs::directory_entry& item : fs::directory_iterator(share)) {
    if (item.path().extension() != ".dic") continue;
    ++files;
    const Comparison c = compare_with_dcmtk(item.path().string());
    EXPECT_TRUE(c.certain) << item.path();
    EXPECT_TRUE(c.dcmtk_ok) << item.path();
    EXPECT_EQ(c.rejected, 0) << item.path();
    EXPECT_EQ(c.diff, "") << item.path();
  }
  EXPECT_GE(files, static_cast<int>(default_files().size()));
}

struct Forged {
  const char* name;
  std::string text;
};

// One case per file, so DCMTK's answer (any rejected line?) is about that case alone.
std::vector<Forged> line_and_vm_cases() {
  return {
      {"blank_comment_and_crlf",
       "\n  \t \n# comment\n   # indented comment\n(0010,0010)\tPN\tPatient Name\t1\r\n"},
      {"no_final_newline", "(0010,0010)\tPN\tPatientName\t1\tDICOM"},
      {"trailing_tabs_and_spaces", "(0010,0010)\tPN\tPatientName\t1\t \t \n"},
      {"three_fields", "(0010,0020)\tLO\tPatientID\n"},
      {"five_fields_version", "(0010,0020)\tLO\tPatientID\t1\tD I\vC O M 2\n"},
      {"private_version", "(0009,0010)\tLO\tX\t1\tPrivateTag\n"},
      {"spaces_everywhere", "  ( 0010 , 0020 ) \t L O \t Patient ID \t 1 - 3 \t DICOM \n"},
      {"leading_tab", "\t(0010,0010)\tPN\tName\t1\n"},
      {"one_field", "(0010,0010)\n"},
      {"two_fields", "(0010,0010)\tPN\n"},
      {"six_fields", "(0010,0010)\tPN\tName\t1\tDICOM\textra\n"},
      {"seven_fields", "(0010,0010)\tPN\tName\t1\tDICOM\ta\tb\n"},
      {"empty_fields", "(0010,0010)\t\t\t\t\n(0010,0011)\tPN\t\t1\n"},
      // VM forms (parseVMField's sscanf cascade)
      {"vm_fixed", "(0010,0010)\tPN\tName\t3\n"},
      {"vm_range", "(0010,0010)\tPN\tName\t1-3\n"},
      {"vm_1_n", "(0010,0010)\tPN\tName\t1-n\n(0010,0011)\tPN\tName\t1-N\n"},
      {"vm_2_2n", "(0010,0010)\tPN\tName\t2-2n\n(0010,0011)\tPN\tName\t3-3N\n(0010,0012)\tPN\tName\t6-6n\n"},
      {"vm_n", "(0010,0010)\tPN\tName\tn\n(0010,0011)\tPN\tName\tN\n"},
      {"vm_2n", "(0010,0010)\tPN\tName\t2n\n"},
      {"vm_n_anything", "(0010,0010)\tPN\tName\tnonsense\n"},
      {"vm_negative", "(0010,0010)\tPN\tName\t-1\n(0010,0011)\tPN\tName\t1--2\n(0010,0012)\tPN\tName\t+2\n"},
      {"vm_range_trailing_n", "(0010,0010)\tPN\tName\t1-3n5\n"},
      {"vm_bad_letter", "(0010,0010)\tPN\tName\tx\n"},
      {"vm_bad_suffix", "(0010,0010)\tPN\tName\t1x\n"},
      {"vm_bad_range_suffix", "(0010,0010)\tPN\tName\t1-3x\n"},
      {"vm_bad_dash_letter", "(0010,0010)\tPN\tName\t1-x\n"},
      {"vm_bad_trailing_dash", "(0010,0010)\tPN\tName\t1-\n"},
      {"vm_bad_empty", "(0010,0010)\tPN\tName\t\tDICOM\n"},
      {"vm_bad_sign", "(0010,0010)\tPN\tName\t-n\n"},
  };
}

std::vector<Forged> tag_and_vr_cases() {
  const std::string e = "\tPN\tName\t1\n";  // the rest of a valid line after its tag
  return {
      // tag forms (parseWholeTagField, parseTagPart)
      {"tag_lower_case", "(7fe0,0010)\tOW\tPixelData\t1\n"},
      {"tag_group_range", "(6000-60FF,3000)\tOW\tOverlayData\t1\n"},
      {"tag_element_range", "(0020,3100-31FF)\tCS\tSourceImageIDs\t1-n\n"},
      {"tag_restrictions",
       "(0000-u-ffff,0000)\tUL\tGroupLength\t1\n(1000-o-10ff,0010)\tLO\tOdd\t1\n"
       "(1000-E-10FF,0001-O-00ff)\tLO\tBoth\t1\n(1000-U-10FF,0002-e-00FE)\tLO\tMixed\t1\n"},
      {"tag_bad_restriction", "(1000-x-10FF,0010)" + e},
      {"tag_restriction_without_upper", "(1-o-,0010)" + e},
      {"tag_trailing_garbage", "(0010zz,0010)" + e + "(0010,0011)junk)" + e},
      {"tag_truncated_to_16_bits", "(12345,0010)" + e + "(0010,ABCDEF01)" + e},
      {"tag_dash_dash", "(1---2,0010)" + e},
      {"tag_no_comma", "(0010)" + e},
      {"tag_no_open", "0010,0010)" + e},
      {"tag_no_close", "(0010,0010" + e},
      {"tag_empty_group", "(,0010)" + e},
      {"tag_empty_element", "(0010,)" + e},
      {"tag_not_hex", "(gggg,0010)" + e},
      {"tag_empty", "()" + e},
      // private creators
      {"creator", "(0019,\"GEMS_ACQU_01\",10)\tDS\tSliceThickness\t1\tPrivateTag\n"},
      {"creator_spaces", "(0019, \"GE MS ACQU\" , 1 0)\tDS\tX\t1\n"},
      {"creator_empty", "(0019,\"\",10)\tDS\tX\t1\n"},
      {"creator_with_paren", "(0019,\"A)B\",10)\tDS\tX\t1\n"},
      {"creator_unclosed", "(0019,\"GEMS,10)\tDS\tX\t1\n"},
      {"creator_no_comma", "(0019,\"GEMS\" 10)\tDS\tX\t1\n"},
      {"creator_ranges", "(0019-o-001f,\"ACME 1.0\",00-ff)\tLO\tX\t1\n(6001-o-60ff,\"ACME\",10)\tLO\tY\t1\n"},
      {"creator_same_tag_two_creators", "(0019,\"A\",10)\tDS\tX\t1\n(0019,\"B\",10)\tLO\tY\t1\n"},
      // VR names, DCMTK's own included
      {"vr_special",
       "(0009,0001)\txs\tA\t1\n(0009,0002)\tox\tB\t1\n(0009,0003)\tlt\tC\t1\n(0009,0004)\tup\tD\t1\n"
       "(0009,0005)\tna\tE\t1\n(0009,0006)\tpx\tF\t1\n(0009,0007)\tUN\tG\t1\n(0009,0008)\tSQ\tH\t1\n"},
      {"vr_internal", "(0009,0001)\tit_EVR_item\tA\t1\n(0009,0002)\tpi\tB\t1\n(0009,0003)\t??\tC\t1\n"},
      {"vr_future", "(0009,0001)\tZZ\tA\t1\n"},
      {"vr_unknown", "(0009,0001)\tzz\tA\t1\n"},
      {"vr_long_and_short", "(0009,0001)\tPNX\tA\t1\n(0009,0002)\tP\tB\t1\n(0009,0003)\tP N\tC\t1\n"},
      {"vr_empty", "(0009,0001)\t \tA\t1\n"},
      // replacements, as addEntry does them
      {"duplicate_tag", "(0010,0010)\tPN\tFirst\t1\n(0010,0010)\tLO\tSecond\t2\n"},
      {"duplicate_range", "(6000-60FF,3000)\tOW\tFirst\t1\n(6000-60FF,3000)\tOB\tSecond\t1\n"},
      {"subset_range_first",
       "(6000-60FF,0010)\tUS\tWide\t1\n(6000-601F,0010)\tUS\tNarrow\t1\n(6000-60FF,0010-u-0011)"
       "\tUS\tMore\t1\n"},
      {"longest_line", "(0010,0010)\tPN\t" + std::string(2046 - 17, 'N') + "\t1\n"},  // fgets' 2047 bytes
  };
}

std::vector<Forged> forged_cases() {
  std::vector<Forged> cases = line_and_vm_cases();
  for (Forged& forged : tag_and_vr_cases()) cases.push_back(std::move(forged));
  return cases;
}

TEST(DicomDictionaryText, forged_lines_parse_as_dcmtk_loads_them) {
  OFLog::configure(OFLogger::OFF_LOG_LEVEL);  // DCMTK logs each rejected line
  TempDir dir;
  int rejected_cases = 0;
  for (const Forged& forged : forged_cases()) {
    const Comparison c = compare_with_dcmtk(dir.write(std::string(forged.name) + ".dic", forged.text));
    ASSERT_TRUE(c.certain) << forged.name;
    EXPECT_EQ(c.diff, "") << forged.name;
    EXPECT_EQ(c.rejected == 0, c.dcmtk_ok) << forged.name << ": " << c.rejected << " lines rejected by us";
    rejected_cases += c.rejected > 0;
  }
  EXPECT_GE(rejected_cases, 20) << "the malformed cases are rejected";
}

// Lines whose meaning depends on glibc's sscanf beyond plain digits, or that overflow DCMTK's
// fixed buffers (not given to DCMTK here: it would write past them).
TEST(DicomDictionaryText, uncertain_lines_are_left_to_dcmtk) {
  const std::string e = "\tPN\tName\t1\n";
  const std::vector<std::string> uncertain = {
      "(0x10,0010)" + e,
      "(+10,0010)" + e,
      "(0010,-10)" + e,
      "(0010-0X20,0010)" + e,
      "(123456789,0010)" + e,
      "(0010,0010)\tPN\tName\t1234567890\n",
      "(0010,0010)\tPN\tName\t1-1234567890\n",
      "(" + std::string(64, '0') + "1,0010)" + e,
      "(0010," + std::string(64, '0') + "1)" + e,
      "(0019,\"" + std::string(64, 'C') + "\",10)" + e,
      "(0010,0010)\tPN\t" + std::string(2047, 'N') + "\t1\n",
      std::string("(0010,0010)\tPN\tNa\0me\t1\n", 23),
      "(0010,0010)\tPN\tNam\xc3\xa9\t1\n",
  };
  const std::string good = "(0010,0020)\tLO\tPatientID\t1\n";
  for (const std::string& line : uncertain) {
    const dicom::DictionaryText text = dicom::parse_dictionary_text(good + line + good);
    EXPECT_FALSE(text.certain) << line;
    EXPECT_TRUE(text.entries.empty()) << line;
  }
  EXPECT_TRUE(dicom::parse_dictionary_text(good).certain);
  EXPECT_FALSE(dicom::parse_dictionary_file("/nonexistent/rtreview.dic").certain);
}

}  // namespace
}  // namespace rtreview
