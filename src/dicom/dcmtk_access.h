// Private to src/dicom: the one bridge between DCMTK's dataset API and plain
// values. Lookups never fail: an absent or unparsable attribute is "" / nullopt / {}.
#pragma once

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>

#include <optional>
#include <string>
#include <vector>

#include "rtreview/model.h"

namespace rtreview::dicom {

// Registers the RLE decoder, enables UN → dictionary VR conversion and silences
// DCMTK's logger; idempotent and thread-safe.
void ensure_dcmtk_ready();

// The full value (all components, backslash-separated) without padding; "" if absent.
// Always valid UTF-8: bytes that are not (text the character set conversion could not
// decode) become U+FFFD and are counted for take_invalid_utf8_count().
std::string get_string(DcmItem& item, const DcmTagKey& tag);

// `text` with every byte sequence that is not valid UTF-8 replaced by U+FFFD; `replaced`
// (if given) is increased by the number of replacements.
std::string valid_utf8(const std::string& text, std::size_t* replaced = nullptr);

// Replacements made by get_string on this thread since the last call (then reset to 0).
std::size_t take_invalid_utf8_count();

// Converts every text value of `dataset` to UTF-8 from its SpecificCharacterSet with
// DCMTK (iconv). Returns "" when clean, else a note saying what could not be decoded
// and what was done instead (never fails: get_string replaces what stays invalid).
std::string convert_text_to_utf8(DcmItem& dataset);

// Every numeric component of a DS, IS, FD, FL, US, SS, UL, SL element (or a UN
// converted to one); {} if absent. Unparsable DS/IS components are skipped.
std::vector<double> get_numbers(DcmItem& item, const DcmTagKey& tag);
// The same into `out` (cleared first): a caller reading many values reuses one buffer.
void get_numbers(DcmItem& item, const DcmTagKey& tag, std::vector<double>& out);

// Component `index` of a numeric attribute; nullopt if absent or too short.
std::optional<double> get_number(DcmItem& item, const DcmTagKey& tag, std::size_t index = 0);

// A numeric attribute rounded to int (IS, US, ...); nullopt if absent.
std::optional<int> get_int(DcmItem& item, const DcmTagKey& tag);

// A 3-component coordinate; nullopt unless exactly 3 numbers are present.
std::optional<Point3> get_point(DcmItem& item, const DcmTagKey& tag);

// The items of a sequence in file order; {} if the sequence is absent or empty.
std::vector<DcmItem*> get_items(DcmItem& item, const DcmTagKey& sequence);

// True if the attribute is present in `item` (even with zero length).
bool has_tag(DcmItem& item, const DcmTagKey& tag);

// "(300A,00B0)" for error messages.
std::string tag_text(const DcmTagKey& tag);

}  // namespace rtreview::dicom
