#include "dicom/dictionary.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "rtreview/dicom_io.h"

// DCMTK parses its dictionary files (dicom.dic and private.dic, ~430 KB of text) with
// sscanf on one thread at first use: ~15 ms that every command reading DICOM waited for
// before its first file. Here DCMTK's global dictionary is given only the first file of
// the path list, and the other files are parsed at the same time into a second dictionary
// whose entries are then added to the global one. As in DCMTK's own load, a later file's
// entry replaces an earlier one for the same tag: the second dictionary has already settled
// its own files in order, and its entries all come after the first file's.
namespace rtreview::dicom {
namespace {

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

class DictionaryLoad {
 public:
  void start() {
    std::vector<std::string> files = dictionary_files();
    if (files.size() < 2 || started_) return;
    started_ = true;
    // DCMTK reads the variable when its global dictionary is first used; from here on
    // this process's DCMDICTPATH names the first file only (the others are added below).
    setenv(DCM_DICT_ENVIRONMENT_VARIABLE, files.front().c_str(), 1);
    files.erase(files.begin());
    rest_files_ = std::move(files);
    // Without a thread to spare, each part loads where it is first needed (the global at
    // the first read, the rest in finish()): slower, the same dictionary.
    try {
      first_ = std::thread([] {
        dcmDataDict.rdlock();
        dcmDataDict.rdunlock();
      });
      rest_ = std::thread([this] { load_rest(); });
    } catch (const std::system_error&) {
    }
  }

  void finish() {
    if (!started_) return;
    join();
    if (!rest_dictionary_) load_rest();
    DcmDataDictionary& global = dcmDataDict.wrlock();
    for (auto it = rest_dictionary_->normalBegin(); it != rest_dictionary_->normalEnd(); ++it)
      global.addEntry(new DcmDictEntry(**it));
    for (auto it = rest_dictionary_->repeatingBegin(); it != rest_dictionary_->repeatingEnd(); ++it)
      global.addEntry(new DcmDictEntry(**it));
    dcmDataDict.wrunlock();
    rest_dictionary_.reset();
    started_ = false;
  }

  // A command that started the load but read no DICOM still waits for it before exit.
  ~DictionaryLoad() { join(); }

 private:
  void load_rest() {
    rest_dictionary_ = std::make_unique<DcmDataDictionary>(OFFalse, OFFalse);
    for (const std::string& file : rest_files_) rest_dictionary_->loadDictionary(file.c_str(), OFTrue);
  }

  void join() {
    if (first_.joinable()) first_.join();
    if (rest_.joinable()) rest_.join();
  }

  bool started_ = false;
  std::thread first_, rest_;
  std::vector<std::string> rest_files_;  // the path list after its first file
  std::unique_ptr<DcmDataDictionary> rest_dictionary_;
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
