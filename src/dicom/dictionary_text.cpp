#include "dicom/dictionary_text.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <mutex>

// What DcmDataDictionary::loadDictionary (DCMTK 3.6.7, dcdict.cc) does with a line, in the
// same steps: fgets, strip trailing whitespace, skip blank and '#' lines, split at tabs into
// at most 6 fields (3 to 5 are valid: tag, VR, name, VM, standard version), strip all
// whitespace from a field, then parse the VM field and each tag part with a cascade of
// sscanf formats. Each cascade is mirrored step by step, including its leniency (trailing
// characters after a matched format are ignored, "n..." is a VM of 1-n). Where sscanf's
// answer needs more than plain digits (signs, "0x", overflow) the whole file is left to
// DCMTK instead of guessing. "Whitespace" is isspace() in the C locale, for ASCII bytes
// the same in every glibc locale; the file is refused beyond ASCII.
namespace rtreview::dicom {
namespace {

enum class Outcome { ok, bad, uncertain };

constexpr std::size_t kFgetsLimit = DCM_MAXDICTLINESIZE - 1;  // bytes one fgets call returns
constexpr std::size_t kTagBuffer = 64;  // parseWholeTagField's group, element and creator buffers
constexpr int kMaxFields = DCM_MAXDICTFIELDS;

bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

constexpr std::uint64_t kEachByte = 0x0101010101010101;

std::uint64_t load8(const char* p) {
  std::uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Where the first byte at or below ' ' is, 8 bytes at a time ("has a byte less than 0x21"
// for ASCII words): fields are mostly names without any.
std::size_t find_low_byte(std::string_view s, std::size_t i) {
  for (; i + 8 <= s.size(); i += 8) {
    const std::uint64_t word = load8(s.data() + i);
    if ((word - kEachByte * 0x21) & ~word & (kEachByte * 0x80)) break;
  }
  while (i < s.size() && static_cast<unsigned char>(s[i]) > ' ') ++i;
  return i;
}

std::size_t find_space(std::string_view s, std::size_t i) {
  for (i = find_low_byte(s, i); i < s.size() && !is_space(s[i]); i = find_low_byte(s, i + 1)) {
  }
  return i;
}

// DCMTK's stripWhitespace: every whitespace character goes, not only the ends.
std::string_view strip_all(std::string_view s, std::string& scratch) {
  std::size_t i = find_space(s, 0);
  if (i == s.size()) return s;
  scratch.assign(s.substr(0, i));
  for (; i < s.size(); ++i)
    if (!is_space(s[i])) scratch.push_back(s[i]);
  return scratch;
}

// One sscanf conversion: matched (value, end), failed, or beyond what is mirrored here.
struct Scan {
  Outcome outcome = Outcome::bad;
  long value = 0;
  std::size_t end = 0;
};

bool is_hex(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
int hex_value(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

// %d: optional sign and decimal digits; more than 9 digits could overflow an int.
Scan scan_int(std::string_view s, std::size_t at) {
  std::size_t i = at;
  const bool negative = i < s.size() && s[i] == '-';
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  const std::size_t digits = i;
  long value = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i)
    if (i - digits < 10) value = value * 10 + (s[i] - '0');
  if (i == digits) return {};
  if (i - digits > 9) return {Outcome::uncertain};
  return {Outcome::ok, negative ? -value : value, i};
}

// %x: hex digits into an unsigned int. glibc also takes a sign or a "0x" prefix there, and
// more than 8 digits overflow: none of those is mirrored.
Scan scan_hex(std::string_view s, std::size_t at) {
  if (at < s.size() && (s[at] == '-' || s[at] == '+')) return {Outcome::uncertain};
  if (at + 1 < s.size() && s[at] == '0' && (s[at + 1] | 0x20) == 'x') return {Outcome::uncertain};
  std::size_t i = at;
  long value = 0;
  for (; i < s.size() && is_hex(s[i]); ++i)
    if (i - at < 9) value = value * 16 + hex_value(s[i]);
  if (i == at) return {};
  if (i - at > 8) return {Outcome::uncertain};
  return {Outcome::ok, value, i};
}

bool is_n(char c) { return c == 'n' || c == 'N'; }

// parseVMField: "%d-%d%c" (c must be n: "2-2n"), "%d-%d", "%d-%c" (n), "%d%c" (n), "%d", "%c" (n).
Outcome parse_vm(std::string_view s, int& vm_min, int& vm_max) {
  const Scan first = scan_int(s, 0);
  if (first.outcome == Outcome::uncertain) return Outcome::uncertain;
  if (first.outcome == Outcome::bad) {
    if (s.empty() || !is_n(s[0])) return Outcome::bad;
    vm_min = 1, vm_max = DcmVariableVM;
    return Outcome::ok;
  }
  vm_min = static_cast<int>(first.value);
  const std::size_t end = first.end;
  const bool dash = end < s.size() && s[end] == '-';
  if (dash) {
    const Scan second = scan_int(s, end + 1);
    if (second.outcome == Outcome::uncertain) return Outcome::uncertain;
    if (second.outcome == Outcome::ok && second.end < s.size()) {
      vm_max = DcmVariableVM;
      return is_n(s[second.end]) ? Outcome::ok : Outcome::bad;
    }
    if (second.outcome == Outcome::ok) {
      vm_max = static_cast<int>(second.value);
      return Outcome::ok;
    }
    if (end + 1 < s.size()) {
      vm_max = DcmVariableVM;
      return is_n(s[end + 1]) ? Outcome::ok : Outcome::bad;
    }
  }
  if (end < s.size()) {
    vm_max = DcmVariableVM;
    return is_n(s[end]) ? Outcome::ok : Outcome::bad;
  }
  vm_max = vm_min;
  return Outcome::ok;
}

// parseTagPart: "%x-%c-%x" (c restricts the range: o odd, e even, u none), "%x-%x" (an even
// range), "%x" (one value).
Outcome parse_tag_part(std::string_view s, unsigned& low, unsigned& high,
                       DcmDictRangeRestriction& restriction) {
  restriction = DcmDictRange_Unspecified;
  const Scan first = scan_hex(s, 0);
  if (first.outcome != Outcome::ok) return first.outcome;
  low = static_cast<unsigned>(first.value);
  const std::size_t end = first.end;
  if (end < s.size() && s[end] == '-') {
    if (end + 2 < s.size() && s[end + 2] == '-') {
      const Scan upper = scan_hex(s, end + 3);
      if (upper.outcome == Outcome::uncertain) return Outcome::uncertain;
      if (upper.outcome == Outcome::ok) {
        high = static_cast<unsigned>(upper.value);
        switch (s[end + 1] | 0x20) {
          case 'o':
            restriction = DcmDictRange_Odd;
            return Outcome::ok;
          case 'e':
            restriction = DcmDictRange_Even;
            return Outcome::ok;
          case 'u':
            return Outcome::ok;
          default:
            return Outcome::bad;
        }
      }
    }
    const Scan upper = scan_hex(s, end + 1);
    if (upper.outcome == Outcome::uncertain) return Outcome::uncertain;
    if (upper.outcome == Outcome::ok) {
      high = static_cast<unsigned>(upper.value);
      restriction = DcmDictRange_Even;
      return Outcome::ok;
    }
  }
  high = low;
  return Outcome::ok;
}

struct TagField {
  DcmTagKey key, upper;
  DcmDictRangeRestriction group_restriction = DcmDictRange_Unspecified;
  DcmDictRangeRestriction element_restriction = DcmDictRange_Unspecified;
  std::string_view creator;  // empty: none (DCMTK ignores an empty "" creator too)
};

// Skips whitespace from `at`; the character there, '\0' past the end as DCMTK's C string has.
char skip_space(std::string_view s, std::size_t& at) {
  while (at < s.size() && is_space(s[at])) ++at;
  return at < s.size() ? s[at] : '\0';
}

// parseWholeTagField: "(group,element)" or "(group,\"creator\",element)", each part as in
// parse_tag_part after all its whitespace is removed. Text after the element's ')' is ignored.
Outcome parse_tag_field(std::string_view field, TagField& out, std::string& scratch) {
  const std::string_view s = trim(field);
  if (s.empty() || s.front() != '(' || s.back() != ')') return Outcome::bad;
  const std::size_t comma = s.find(',');
  if (comma == std::string_view::npos) return Outcome::bad;
  const std::string_view group = s.substr(1, comma - 1);
  if (group.size() >= kTagBuffer) return Outcome::uncertain;
  std::size_t at = comma + 1;
  if (skip_space(s, at) == '"') {
    const std::size_t close = s.find('"', at + 1);
    const std::size_t creator_end = close == std::string_view::npos ? s.size() : close;
    out.creator = s.substr(at + 1, creator_end - at - 1);
    if (out.creator.size() >= kTagBuffer) return Outcome::uncertain;
    if (close == std::string_view::npos) return Outcome::bad;
    at = close + 1;
    if (skip_space(s, at) != ',') return Outcome::bad;
    ++at;
  }
  const std::size_t paren = s.find(')', at);
  const std::string_view element = s.substr(at, paren - at);
  if (element.size() >= kTagBuffer) return Outcome::uncertain;
  unsigned group_low = 0, group_high = 0, element_low = 0, element_high = 0;
  Outcome outcome = parse_tag_part(strip_all(group, scratch), group_low, group_high, out.group_restriction);
  if (outcome != Outcome::ok) return outcome;
  outcome = parse_tag_part(strip_all(element, scratch), element_low, element_high, out.element_restriction);
  if (outcome != Outcome::ok) return outcome;
  out.key.set(static_cast<Uint16>(group_low), static_cast<Uint16>(element_low));
  out.upper.set(static_cast<Uint16>(group_high), static_cast<Uint16>(element_high));
  return Outcome::ok;
}

// DcmVR::setVR(name) for each distinct two-letter name once: ~9000 lines, ~40 names.
class VrNames {
 public:
  VrNames() { evr_.fill(-1); }
  DcmEVR evr(std::string_view name) {
    if (name.size() != 2) return DcmVR(std::string(name).c_str()).getEVR();
    int& cached = evr_[static_cast<unsigned char>(name[0]) * 128 + static_cast<unsigned char>(name[1])];
    if (cached < 0) cached = DcmVR(std::string(name).c_str()).getEVR();
    return static_cast<DcmEVR>(cached);
  }

 private:
  std::array<int, 128 * 128> evr_;  // ASCII only: the file was refused otherwise
};

// DCMTK's stripWhitespace in place: the field's text without whitespace, NUL-terminated where
// the field ended (a tab, whitespace, the newline or the buffer's own NUL: never needed again).
const char* terminate_stripped(std::string_view field) {
  char* const begin = const_cast<char*>(field.data());  // a view into DictionaryText::storage
  char* out = begin;
  for (const char c : field)
    if (!is_space(c)) *out++ = c;
  *out = '\0';
  return begin;
}

// The field as it is (a private creator keeps its spaces), NUL-terminated in place.
const char* terminate(std::string_view field) {
  char* const begin = const_cast<char*>(field.data());  // a view into DictionaryText::storage
  begin[field.size()] = '\0';
  return begin;
}

constexpr char kDicom[] = "DICOM";  // loadDictionary's standard version when the line names none

class LineParser {
 public:
  explicit LineParser(DictionaryText& out) : out_(out) {}

  // `line` has no newline; the result says whether DCMTK's reading of it is mirrored.
  bool parse(std::string_view line) {
    if (line.size() >= kFgetsLimit) return false;  // fgets would cut it in two
    while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
    const std::string_view content = trim(line);  // fields keep leading whitespace: a leading tab splits
    if (content.empty() || content.front() == '#') return true;
    std::array<std::string_view, kMaxFields> fields;
    int count = 0;
    for (std::size_t begin = 0;; ++count) {
      const std::size_t tab = line.find('\t', begin);
      fields[count] = line.substr(begin, tab - begin);
      if (tab == std::string_view::npos || count + 1 == kMaxFields) break;
      begin = tab + 1;
    }
    ++count;
    const Outcome outcome = count >= 3 && count <= 5 ? add(fields, count) : Outcome::bad;
    if (outcome == Outcome::bad) ++out_.rejected_lines;
    return outcome != Outcome::uncertain;
  }

 private:
  // The entry's strings stay in the file's text (terminated in place, after every field of
  // the line has been read): no copy per entry, and nothing to free per entry at exit.
  Outcome add(const std::array<std::string_view, kMaxFields>& fields, int count) {
    int vm_min = 1, vm_max = 1;
    const Outcome vm = count >= 4 ? parse_vm(strip_all(fields[3], scratch_), vm_min, vm_max) : Outcome::ok;
    TagField tag;
    const Outcome tag_outcome = parse_tag_field(fields[0], tag, scratch_);
    if (vm == Outcome::uncertain || tag_outcome == Outcome::uncertain) return Outcome::uncertain;
    if (vm == Outcome::bad || tag_outcome == Outcome::bad) return Outcome::bad;
    const DcmEVR evr = vr_names_.evr(strip_all(fields[1], scratch_));
    if (evr == EVR_UNKNOWN) return Outcome::bad;
    const char* version = count == 5 ? terminate_stripped(fields[4]) : kDicom;
    const char* name = terminate_stripped(fields[2]);
    const char* creator = tag.creator.empty() ? nullptr : terminate(tag.creator);
    auto entry = std::make_unique<DcmDictEntry>(tag.key.getGroup(), tag.key.getElement(),
                                                tag.upper.getGroup(), tag.upper.getElement(), DcmVR(evr),
                                                name, vm_min, vm_max, version, OFFalse, creator);
    entry->setGroupRangeRestriction(tag.group_restriction);
    entry->setElementRangeRestriction(tag.element_restriction);
    out_.entries.push_back(std::move(entry));
    return Outcome::ok;
  }

  DictionaryText& out_;
  VrNames vr_names_;
  std::string scratch_;
};

// NUL (fgets and strlen would cut the line there) or a byte whose isspace() depends on the
// locale. 8 bytes at a time: a byte of 0 borrows into its top bit, one above 0x7F has it.
bool plain_ascii(std::string_view text) {
  std::uint64_t seen = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    const std::uint64_t word = load8(text.data() + i);
    seen |= (word - kEachByte) | word;
  }
  for (; i < text.size(); ++i)
    seen |= static_cast<unsigned char>(text[i] - 1) | static_cast<unsigned char>(text[i]);
  return (seen & (kEachByte * 0x80)) == 0;
}

}  // namespace

DictionaryText parse_dictionary_text(std::string text) {
  DictionaryText out;
  if (!plain_ascii(text)) return out;
  out.storage = std::make_unique<std::string>(std::move(text));
  const std::string_view all = *out.storage;
  out.entries.reserve(all.size() / 40);  // dicom.dic: one entry per ~50 bytes
  LineParser parser(out);
  for (std::size_t begin = 0; begin < all.size();) {
    std::size_t end = all.find('\n', begin);
    if (end == std::string_view::npos) end = all.size();
    if (!parser.parse(all.substr(begin, end - begin))) return DictionaryText{};
    begin = end + 1;
  }
  out.certain = true;
  return out;
}

DictionaryText parse_dictionary_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  struct stat info {};
  std::string text;
  bool read_all = ::fstat(fd, &info) == 0 && S_ISREG(info.st_mode);
  if (read_all) {
    text.resize(static_cast<std::size_t>(info.st_size));
    std::size_t done = 0;
    while (read_all && done < text.size()) {
      const ssize_t n = ::read(fd, text.data() + done, text.size() - done);
      if (n > 0)
        done += static_cast<std::size_t>(n);
      else
        read_all = n < 0 && errno == EINTR;
    }
  }
  ::close(fd);
  return read_all ? parse_dictionary_text(std::move(text)) : DictionaryText{};
}

void add_entries(DcmDataDictionary& dictionary, DictionaryText& text) {
  for (std::unique_ptr<DcmDictEntry>& entry : text.entries) dictionary.addEntry(entry.release());
  text.entries.clear();
  // The entries' strings must outlive every dictionary that holds them, DCMTK's global one
  // included, which is destroyed at exit after this file's statics: never freed.
  static std::mutex mutex;
  static auto* const kept = new std::vector<std::unique_ptr<std::string>>;
  const std::lock_guard lock(mutex);
  if (text.storage) kept->push_back(std::move(text.storage));
}

}  // namespace rtreview::dicom
