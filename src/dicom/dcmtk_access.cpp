#include "dicom/dcmtk_access.h"

#include <dcmtk/dcmdata/dcbytstr.h>
#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/oflog/oflog.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "dicom/dictionary.h"

namespace rtreview::dicom {
namespace {

std::string trim(const std::string& s) {
  std::size_t begin = 0, end = s.size();
  while (begin < end && (s[begin] == ' ' || s[begin] == '\0')) ++begin;
  while (end > begin && (s[end - 1] == ' ' || s[end - 1] == '\0')) --end;
  return s.substr(begin, end - begin);
}

// Clinger's fast path for the plain decimals DS values almost always are ([-]digits[.digits]
// [e[±]digits], at most 19 digits): the digits as an integer m ≤ 2^53 and a power of ten
// 10^k with |k| ≤ 22 are both exact doubles, so m · 10^k and m / 10^k are rounded once:
// the correctly rounded value, the same double std::from_chars gives. Parses such a number
// at the start of [p, end) and returns where it stops; null for anything else (more digits,
// other syntax), which then takes std::from_chars.
inline __attribute__((always_inline)) const char* parse_plain_decimal_prefix(const char* p, const char* end,
                                                                             double& value) {
  static constexpr double pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  std::uint64_t m = 0;
  int digits = 0, scale = 0;
  for (; p < end && *p >= '0' && *p <= '9'; ++p, ++digits) m = m * 10 + static_cast<unsigned>(*p - '0');
  if (p < end && *p == '.')
    for (++p; p < end && *p >= '0' && *p <= '9'; ++p, ++digits, --scale)
      m = m * 10 + static_cast<unsigned>(*p - '0');
  if (digits == 0 || digits > 19) return nullptr;
  if (p < end && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool exp_negative = p < end && *p == '-';
    if (p < end && (*p == '-' || *p == '+')) ++p;
    int e = 0, exp_digits = 0;
    for (; p < end && *p >= '0' && *p <= '9'; ++p) {
      if (++exp_digits > 4) return nullptr;  // from_chars decides (and `e` never overflows)
      e = e * 10 + (*p - '0');
    }
    if (exp_digits == 0) return nullptr;
    scale += exp_negative ? -e : e;
  }
  if (m > (std::uint64_t{1} << 53) || scale < -22 || scale > 22) return nullptr;
  const double v = scale < 0 ? static_cast<double>(m) / pow10[-scale] : static_cast<double>(m) * pow10[scale];
  value = negative ? -v : v;
  return p;
}

bool parse_plain_decimal(const char* p, const char* end, double& value) {
  double v = 0.0;
  if (parse_plain_decimal_prefix(p, end, v) != end) return false;
  value = v;
  return true;
}

// Parses one DS/IS component; locale-independent (std::from_chars).
std::optional<double> parse_number(const char* begin, const char* end) {
  while (begin < end && (*begin == ' ' || *begin == '\0')) ++begin;
  while (end > begin && (end[-1] == ' ' || end[-1] == '\0')) --end;
  if (begin < end && *begin == '+') ++begin;
  if (begin == end) return std::nullopt;
  double value = 0.0;
  if (parse_plain_decimal(begin, end, value)) return value;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

DcmElement* find_element(DcmItem& item, const DcmTagKey& tag) {
  DcmElement* element = nullptr;
  if (item.findAndGetElement(tag, element, OFFalse /*searchIntoSub*/).bad()) return nullptr;
  return element;
}

thread_local std::size_t invalid_utf8_count = 0;

// Length of the valid UTF-8 sequence starting at s[i], or 0 (RFC 3629: no overlongs,
// no surrogates, nothing above U+10FFFF).
std::size_t utf8_sequence_length(const std::string& s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c >= 0xE0 && c <= 0xEF)
    n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
  else if (c >= 0xF0 && c <= 0xF4)
    n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
  else
    return 0;
  if (i + n > s.size() || byte(i + 1) < lo || byte(i + 1) > hi) return 0;
  for (std::size_t k = 2; k < n; ++k)
    if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
  return n;
}

}  // namespace

std::string valid_utf8(const std::string& text, std::size_t* replaced) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (const std::size_t n = utf8_sequence_length(text, i)) {
      out.append(text, i, n);
      i += n;
      continue;
    }
    out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
    if (replaced) ++*replaced;
    ++i;
  }
  return out;
}

std::size_t take_invalid_utf8_count() {
  const std::size_t n = invalid_utf8_count;
  invalid_utf8_count = 0;
  return n;
}

namespace {

bool ascii_bytes(const char* s, std::size_t n) {
  std::size_t i = 0;
  for (std::uint64_t word; i + 8 <= n; i += 8) {  // eight bytes per test
    std::memcpy(&word, s + i, 8);
    if (word & 0x8080808080808080ull) return false;
  }
  for (; i < n; ++i)
    if (static_cast<unsigned char>(s[i]) > 127) return false;
  return true;
}

// True when no string value anywhere in the dataset has a byte above 127. DCMTK's
// containsExtendedCharacters(OFTrue) looks at the string values only (DcmByteString and
// its subclasses, in every item), so then it is false too; it walks each value a byte at
// a time (34 M instructions for a 2.3 MB structure set's ContourData), this test a word at a time.
bool all_strings_ascii(DcmItem& dataset) {
  DcmStack stack;
  while (dataset.nextObject(stack, OFTrue).good()) {
    auto* text = dynamic_cast<DcmByteString*>(stack.top());
    if (!text) continue;
    char* value = nullptr;
    Uint32 length = 0;
    if (text->getString(value, length).good() && value && !ascii_bytes(value, length)) return false;
  }
  return true;
}

}  // namespace

std::string convert_text_to_utf8(DcmItem& dataset) {
  OFString declared;
  dataset.findAndGetOFStringArray(DCM_SpecificCharacterSet, declared);
  const std::string charset = trim(declared.c_str());
  if (charset == "ISO_IR 192" || all_strings_ascii(dataset) || !dataset.containsExtendedCharacters(OFTrue))
    return {};
  OFCondition converted = dataset.convertCharacterSet("ISO_IR 192", 0, OFFalse);
  if (converted.good()) return {};
  if (charset.empty()) {
    // No SpecificCharacterSet but 8-bit text: Latin-1 is what such exports almost always mean.
    if (dataset.convertCharacterSet("ISO_IR 100", "ISO_IR 192", 0, OFFalse).good())
      return "no SpecificCharacterSet but 8-bit text: decoded as ISO_IR 100 (Latin-1)";
  }
  return "text in SpecificCharacterSet '" + charset +
         "' could not be converted to UTF-8 (DCMTK: " + converted.text() +
         "): bytes invalid in UTF-8 replaced by U+FFFD";
}

void ensure_dcmtk_ready() {
  static const bool ready = [] {
    finish_dictionary_load();
    // DCMTK would otherwise print warnings about every vendor quirk on stderr.
    OFLog::configure(OFLogger::OFF_LOG_LEVEL);
    // pydicom's rtdose_rle.dcm stores every element as UN: re-type them from the dictionary.
    dcmEnableUnknownVRConversion.set(OFTrue);
    DcmRLEDecoderRegistration::registerCodecs();
    return true;
  }();
  (void)ready;
}

std::string get_string(DcmItem& item, const DcmTagKey& tag) {
  DcmElement* element = find_element(item, tag);
  if (!element || element->getLength() == 0) return {};
  char* raw = nullptr;
  Uint32 raw_length = 0;
  if (element->getString(raw, raw_length).good() && raw)
    return valid_utf8(trim(std::string(raw, raw_length)), &invalid_utf8_count);
  OFString value;  // non-string VRs (US, FD, ...) rendered as text
  if (element->getOFStringArray(value).bad()) return {};
  return valid_utf8(trim(std::string(value.c_str(), value.length())), &invalid_utf8_count);
}

void get_numbers(DcmItem& item, const DcmTagKey& tag, std::vector<double>& out) {
  out.clear();
  DcmElement* element = find_element(item, tag);
  if (!element || element->getLength() == 0) return;
  switch (element->ident()) {
    case EVR_FD:
    case EVR_OD: {
      Float64* values = nullptr;
      if (element->getFloat64Array(values).good() && values)
        out.assign(values, values + element->getLength() / sizeof(Float64));
      return;
    }
    case EVR_FL:
    case EVR_OF: {
      Float32* values = nullptr;
      if (element->getFloat32Array(values).good() && values)
        out.assign(values, values + element->getLength() / sizeof(Float32));
      return;
    }
    case EVR_US: {
      Uint16* values = nullptr;
      if (element->getUint16Array(values).good() && values)
        out.assign(values, values + element->getLength() / sizeof(Uint16));
      return;
    }
    case EVR_SS: {
      Sint16* values = nullptr;
      if (element->getSint16Array(values).good() && values)
        out.assign(values, values + element->getLength() / sizeof(Sint16));
      return;
    }
    case EVR_UL: {
      Uint32* values = nullptr;
      if (element->getUint32Array(values).good() && values)
        out.assign(values, values + element->getLength() / sizeof(Uint32));
      return;
    }
    case EVR_SL: {
      Sint32* values = nullptr;
      if (element->getSint32Array(values).good() && values)
        out.assign(values, values + element->getLength() / sizeof(Sint32));
      return;
    }
    default:
      break;
  }
  // DS, IS and anything textual: split the raw value ourselves (linear time even for
  // contours with 100k components).
  // (getOFStringArray is quadratic in the number of components in DCMTK 3.6.7.)
  char* raw = nullptr;
  Uint32 raw_length = 0;
  if (element->getString(raw, raw_length).bad() || !raw) return;
  const char* p = raw;
  const char* end = raw + raw_length;
  out.reserve(static_cast<std::size_t>(std::count(p, end, '\\')) + 1);
  while (p <= end) {
    // The usual component, a plain decimal up to the separator, in one pass; any other
    // (padded, signed with '+', empty, not a plain decimal) through parse_number.
    double value = 0.0;
    if (const char* stop = parse_plain_decimal_prefix(p, end, value);
        stop && (stop == end || *stop == '\\')) {
      out.push_back(value);
      p = stop + 1;
      continue;
    }
    const char* q = p;
    while (q < end && *q != '\\') ++q;
    if (auto v = parse_number(p, q)) out.push_back(*v);
    p = q + 1;
  }
}

std::vector<double> get_numbers(DcmItem& item, const DcmTagKey& tag) {
  std::vector<double> out;
  get_numbers(item, tag, out);
  return out;
}

std::optional<double> get_number(DcmItem& item, const DcmTagKey& tag, std::size_t index) {
  std::vector<double> values = get_numbers(item, tag);
  if (index >= values.size()) return std::nullopt;
  return values[index];
}

std::optional<int> get_int(DcmItem& item, const DcmTagKey& tag) {
  auto value = get_number(item, tag);
  if (!value || std::fabs(*value) > 2.0e9) return std::nullopt;
  return static_cast<int>(std::lround(*value));
}

std::optional<Point3> get_point(DcmItem& item, const DcmTagKey& tag) {
  std::vector<double> values = get_numbers(item, tag);
  if (values.size() != 3) return std::nullopt;
  return Point3{values[0], values[1], values[2]};
}

std::vector<DcmItem*> get_items(DcmItem& item, const DcmTagKey& sequence) {
  std::vector<DcmItem*> out;
  DcmSequenceOfItems* seq = nullptr;
  if (item.findAndGetSequence(sequence, seq, OFFalse).bad() || !seq) return out;
  const unsigned long count = seq->card();
  out.reserve(count);
  // Walk with nextInContainer (O(1) per step): getItem(i) seeks from the first item,
  // which is quadratic for a TomoTherapy beam's 6579 control points.
  DcmObject* object = seq->nextInContainer(nullptr);
  for (unsigned long i = 0; i < count && object; ++i, object = seq->nextInContainer(object))
    if (auto* child = dynamic_cast<DcmItem*>(object)) out.push_back(child);
  return out;
}

bool has_tag(DcmItem& item, const DcmTagKey& tag) { return item.tagExists(tag, OFFalse); }

std::string tag_text(const DcmTagKey& tag) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "(%04X,%04X)", tag.getGroup(), tag.getElement());
  return buffer;
}

}  // namespace rtreview::dicom
