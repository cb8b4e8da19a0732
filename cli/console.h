// Console output shared by the sub-commands (stderr lines about the inputs).
#pragma once

#include <ostream>
#include <vector>

#include "rtreview/packet.h"

namespace rtreview::cli {

// Unreadable files one line each (file and reason); ignored files (reason "ignored: ...":
// non-DICOM files such as README or case.xml, CT/MR images) counted per reason, one line
// each, so a folder of 1,000 CT slices gives one line, not 1,000.
void print_input_problems(std::ostream& out, const char* prefix, const std::vector<PacketUnreadable>& files);
void print_input_problems(std::ostream& out, const char* prefix, const ReviewRun& run);

}  // namespace rtreview::cli
