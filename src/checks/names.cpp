// The checks layer's enum names and display texts, kept apart from the checks: the PDF
// module (CMakeLists.txt, src/pdf) compiles this file into itself, since it does not link
// the program's libraries.
#include "rtreview/checks.h"
#include "rtreview/text.h"

namespace rtreview {

std::string beam_energy_text(const BeamSummary& b) {
  // Photon energies are nominal accelerating potentials (MV); particles' are kinetic: MeV, and
  // for ions heavier than protons MeV per nucleon (PS3.3 C.8.8.25 NominalBeamEnergy).
  const char* unit = b.radiation_type == "PHOTON" ? " MV" : b.radiation_type == "ION" ? " MeV/u" : " MeV";
  if (b.lowest_energy_mev && b.highest_energy_mev && *b.highest_energy_mev > *b.lowest_energy_mev)
    return format_trimmed(*b.lowest_energy_mev, 2) + "-" + format_trimmed(*b.highest_energy_mev, 2) + unit;
  const std::optional<double> energy = b.energy_mev ? b.energy_mev : b.lowest_energy_mev;
  if (!energy) return "energy n/a";
  std::string text = format_trimmed(*energy, 2) + unit;
  if (!b.fluence_mode.empty()) text += " " + b.fluence_mode;
  return text;
}

const char* to_string(StructureCategory category) {
  switch (category) {
    case StructureCategory::gtv:
      return "GTV";
    case StructureCategory::ctv:
      return "CTV";
    case StructureCategory::itv:
      return "ITV";
    case StructureCategory::ptv:
      return "PTV";
    case StructureCategory::oar:
      return "OAR";
    case StructureCategory::external:
      return "external";
    case StructureCategory::support:
      return "support";
    case StructureCategory::avoidance:
      return "avoidance";
    case StructureCategory::control:
      return "control";
    case StructureCategory::marker:
      return "marker";
    case StructureCategory::isocenter:
      return "isocenter";
    case StructureCategory::brachy_channel:
      return "brachy_channel";
    case StructureCategory::other:
      break;
  }
  return "other";
}

}  // namespace rtreview
