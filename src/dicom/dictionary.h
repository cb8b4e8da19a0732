// Private to src/dicom: DCMTK's data dictionary, loaded on two threads.
#pragma once

namespace rtreview::dicom {

// Waits for a load begun by start_loading_dicom_dictionary() (rtreview/dicom_io.h) and adds
// the files it read on its own thread to DCMTK's global dictionary. Without such a load it
// does nothing: DCMTK then loads every file itself at first use. Called once, by
// ensure_dcmtk_ready().
void finish_dictionary_load();

}  // namespace rtreview::dicom
