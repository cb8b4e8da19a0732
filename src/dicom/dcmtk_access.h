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
std::string get_string(DcmItem& item, const DcmTagKey& tag);

// Every numeric component of a DS, IS, FD, FL, US, SS, UL, SL element (or a UN
// converted to one); {} if absent. Unparsable DS/IS components are skipped.
std::vector<double> get_numbers(DcmItem& item, const DcmTagKey& tag);

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
