#include "dicom/dictionary.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "dicom/dictionary_text.h"
#include "rtreview/dicom_io.h"

// DCMTK parses its dictionary files (dicom.dic and private.dic, ~430 KB of text) at first use,
// with sscanf for every field: ~120 M instructions that every command reading DICOM waited for
// before its first file. Here the files are parsed by dictionary_text.cpp, which creates the
// same entries DCMTK's loader would, on two threads (the first file, and the rest) while the
// command sets itself up. DCMTK's global dictionary is created empty (with the skeleton entries
// DCMTK always adds) and receives the first file's entries, then the rest's, in file order:
// the same addEntry calls in the same order as DCMTK's own load, so a later file's entry
// replaces an earlier one exactly as there. A file the parser cannot mirror with certainty, or
// one with lines DCMTK would reject (and log), or a missing one: DCMTK reloads the whole list
// itself, so its messages and its "loaded" flag are its own.
namespace rtreview::dicom {
namespace {

// The path list is DCMDICTPATH's, else DCMTK's default list, as DCMTK reads it here.
constexpr bool kExternalDictionary =
#if DCM_DICT_DEFAULT == DCM_DICT_DEFAULT_USE_EXTERNAL && defined(DCM_DICT_USE_DCMDICTPATH)
    true;
#else
    false;
#endif

constexpr const char* kEmptyFile = "/dev/null";

std::vector<std::string> dictionary_files() {
  const char* env = std::getenv(DCM_DICT_ENVIRONMENT_VARIABLE);
  const std::string list = env && *env ? env : DCM_DICT_DEFAULT_PATH;
  std::vector<std::string> files;
  std::size_t begin = 0;
  while (begin <= list.size()) {
    std::size_t end = list.find(ENVIRONMENT_PATH_SEPARATOR, begin);
    if (end == std::string::npos) end = list.size();
    if (end > begin) files.push_back(list.substr(begin, end - begin));
    begin = end + 1;
  }
  return files;
}

// DCMTK creates its global dictionary at first use from the files DCMDICTPATH names. Named
// an empty file for that moment, DCMTK creates it with only its skeleton (and built-in)
// entries, counted as loaded, as a successful load of the real files would leave the flag.
// The variable is restored at once: this runs before the command starts threads.
bool create_global_dictionary_without_files() {
  if (::access(kEmptyFile, R_OK) != 0) return false;
  const char* env = std::getenv(DCM_DICT_ENVIRONMENT_VARIABLE);
  const std::optional<std::string> saved = env ? std::optional<std::string>(env) : std::nullopt;
  setenv(DCM_DICT_ENVIRONMENT_VARIABLE, kEmptyFile, 1);
  const bool loaded = dcmDataDict.isDictionaryLoaded();  // creates it
  if (saved)
    setenv(DCM_DICT_ENVIRONMENT_VARIABLE, saved->c_str(), 1);
  else
    unsetenv(DCM_DICT_ENVIRONMENT_VARIABLE);
  if (!loaded) {  // not DCMTK's state after a good load: let DCMTK load the real list now
    dcmDataDict.wrlock().reloadDictionaries(OFTrue, OFTrue);
    dcmDataDict.wrunlock();
  }
  return loaded;
}

// A parse DCMTK's own load would reproduce without a message.
bool clean(const DictionaryText& text) { return text.certain && text.rejected_lines == 0; }

class DictionaryLoad {
 public:
  void start() {
    if (!kExternalDictionary || started_) return;
    std::vector<std::string> files = dictionary_files();
    if (files.empty() || !create_global_dictionary_without_files()) return;
    started_ = true;
    first_file_ = files.front();
    rest_files_.assign(files.begin() + 1, files.end());
    // Without a thread to spare, each part loads in finish(): slower, the same dictionary.
    try {
      first_ = std::thread([this] { load_first(); });
      rest_ = std::thread([this] { parse_rest(); });
    } catch (const std::system_error&) {
    }
  }

  void finish() {
    if (!started_) return;
    join();
    if (!first_done_) load_first();
    if (!rest_done_) parse_rest();
    DcmDataDictionary& global = dcmDataDict.wrlock();
    if (first_clean_ && rest_clean_) {
      for (DictionaryText& text : rest_texts_) add_entries(global, text);
    } else {
      global.reloadDictionaries(OFTrue, OFTrue);  // DCMTK's own load of the whole list
    }
    dcmDataDict.wrunlock();
    rest_texts_.clear();
    started_ = false;
  }

  // A command that started the load but read no DICOM still waits for it before exit.
  ~DictionaryLoad() { join(); }

 private:
  // The first file's entries go straight into the global dictionary: nothing reads it
  // before finish() has joined this thread.
  void load_first() {
    try {
      DictionaryText text = parse_dictionary_file(first_file_);
      first_clean_ = clean(text);
      if (first_clean_) {
        add_entries(dcmDataDict.wrlock(), text);
        dcmDataDict.wrunlock();
      }
    } catch (const std::exception&) {  // out of memory: DCMTK's reload in finish() says so
      first_clean_ = false;
    }
    first_done_ = true;
  }

  void parse_rest() {
    try {
      rest_clean_ = true;
      for (const std::string& file : rest_files_) {
        rest_texts_.push_back(parse_dictionary_file(file));
        if (!clean(rest_texts_.back())) rest_clean_ = false;
      }
    } catch (const std::exception&) {
      rest_clean_ = false;
    }
    rest_done_ = true;
  }

  void join() {
    if (first_.joinable()) first_.join();
    if (rest_.joinable()) rest_.join();
  }

  bool started_ = false;
  std::thread first_, rest_;
  std::string first_file_;
  std::vector<std::string> rest_files_;  // the path list after its first file
  bool first_done_ = false, first_clean_ = false;
  bool rest_done_ = false, rest_clean_ = false;
  std::vector<DictionaryText> rest_texts_;
};

DictionaryLoad& dictionary_load() {
  static DictionaryLoad load;
  return load;
}

std::once_flag start_once;

}  // namespace

void finish_dictionary_load() { dictionary_load().finish(); }

}  // namespace rtreview::dicom

namespace rtreview {

void start_loading_dicom_dictionary() {
  std::call_once(dicom::start_once, [] { dicom::dictionary_load().start(); });
}

}  // namespace rtreview
