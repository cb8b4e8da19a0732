// Structure classification (RTROIInterpretedType, else TG-263 name) and the
// contouring checks: GTV_CONTOURED, PTV_CONTOURED, OAR_CONTOURED, ROI_WITHOUT_VOLUME.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>

#include "checks/check_util.h"
#include "rtreview/check_ids.h"
#include "rtreview/checks.h"
#include "rtreview/ruleset_dir.h"

namespace rtreview {

using namespace checks_detail;

bool is_target(StructureCategory c) {
  return c == StructureCategory::gtv || c == StructureCategory::ctv || c == StructureCategory::itv ||
         c == StructureCategory::ptv;
}

bool is_structure(StructureCategory c) {
  return is_target(c) || c == StructureCategory::oar || c == StructureCategory::external ||
         c == StructureCategory::support;
}

namespace {

std::optional<StructureCategory> category_from_word(const std::string& word) {
  static const std::map<std::string, StructureCategory> by_word = {
      {"gtv", StructureCategory::gtv},
      {"ctv", StructureCategory::ctv},
      {"itv", StructureCategory::itv},
      {"ptv", StructureCategory::ptv},
      {"oar", StructureCategory::oar},
      {"external", StructureCategory::external},
      {"support", StructureCategory::support},
      {"avoidance", StructureCategory::avoidance},
      {"control", StructureCategory::control},
      {"marker", StructureCategory::marker},
      {"isocenter", StructureCategory::isocenter},
      {"brachy_channel", StructureCategory::brachy_channel},
      {"other", StructureCategory::other}};
  auto it = by_word.find(word);
  if (it == by_word.end()) return std::nullopt;
  return it->second;
}

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  auto end = s.find_last_not_of(" \t\r\n");
  return s.substr(begin, end - begin + 1);
}

std::vector<std::string> split(const std::string& s, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, separator)) parts.push_back(part);
  if (!s.empty() && s.back() == separator) parts.emplace_back();
  return parts;
}

// The words of a name: split on anything not a letter or digit, and between a lower-case
// letter and an upper-case one ("SpinalCord" -> "Spinal", "Cord"); original case kept.
std::vector<std::string> words_of(const std::string& name) {
  std::vector<std::string> words;
  std::string word;
  for (std::size_t i = 0; i < name.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (!std::isalnum(c)) {
      if (!word.empty()) words.push_back(word);
      word.clear();
      continue;
    }
    if (!word.empty() && std::isupper(c) && std::islower(static_cast<unsigned char>(word.back()))) {
      words.push_back(word);
      word.clear();
    }
    word.push_back(static_cast<char>(c));
  }
  if (!word.empty()) words.push_back(word);
  return words;
}

enum class Side { none, left, right };

// Removes a laterality word at the start or end of the name ("Lung_L", "Lt Lung", "Left Parotid").
std::string strip_laterality(const std::string& name, Side& side) {
  side = Side::none;
  auto words = words_of(name);
  if (words.size() < 2) return squash(name);
  auto side_of = [](const std::string& w) {
    const std::string s = squash(w);
    if (s == "l" || s == "lt" || s == "left") return Side::left;
    if (s == "r" || s == "rt" || s == "right") return Side::right;
    return Side::none;
  };
  if (Side s = side_of(words.back()); s != Side::none) {
    side = s;
    words.pop_back();
  } else if (Side s2 = side_of(words.front()); s2 != Side::none) {
    side = s2;
    words.erase(words.begin());
  }
  std::string joined;
  for (const auto& w : words) joined += squash(w);
  return joined;
}

// A TG-263 non-anatomic helper: "z" or "_" prefix ("zPTV_opt", "z_Ring", "_Avoid").
bool is_helper_prefix(const std::string& name) {
  if (name.empty()) return false;
  if (name[0] == '_') return true;
  if (name.size() >= 2 && (name[0] == 'z' || name[0] == 'Z') &&
      (name[1] == '_' || std::isupper(static_cast<unsigned char>(name[1])) || name[1] == '-'))
    return name[0] == 'z' || name[1] == '_';
  return false;
}

// Words that turn a target-looking name into a planning aid ("PTV_opt", "PTV1_WALL", "Ring_PTV").
bool has_helper_word(const std::string& name) {
  static const char* helper_words[] = {"opt", "ring", "wall", "shell", "avoid", "dummy", "help", "tune"};
  for (const auto& w : words_of(name)) {
    const std::string s = squash(w);
    for (const char* h : helper_words)
      if (s == h || (s.rfind(h, 0) == 0 && s.size() <= std::string(h).size() + 2 &&
                     std::all_of(s.begin() + static_cast<long>(std::string(h).size()), s.end(),
                                 [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })))
        return true;
  }
  return false;
}

// GTV/CTV/ITV/PTV prefix with any TG-263 suffix ("PTV_7000", "PTV_High", "GTVp", "CTVn", "PTV1").
std::optional<StructureCategory> target_prefix(const std::string& name) {
  const std::string u = upper(name);
  static const std::pair<const char*, StructureCategory> prefixes[] = {{"GTV", StructureCategory::gtv},
                                                                       {"CTV", StructureCategory::ctv},
                                                                       {"ITV", StructureCategory::itv},
                                                                       {"PTV", StructureCategory::ptv}};
  for (const auto& [prefix, category] : prefixes) {
    if (u.rfind(prefix, 0) != 0) continue;
    if (u.size() == 3) return category;
    // "PTVs", "GTVp", "CTVn", "PTV_70", "PTV1", "PTV High": the next character must not start
    // a longer word (e.g. "CTVENTRICLE" is not a CTV). Lower-case single suffix letters allowed.
    char next = name[3];
    if (!std::isalpha(static_cast<unsigned char>(next))) return category;
    if (std::islower(static_cast<unsigned char>(next)) &&
        (name.size() == 4 || !std::isalpha(static_cast<unsigned char>(name[4]))))
      return category;
  }
  return std::nullopt;
}

struct VocabularyMatch {
  const VocabularyEntry* entry = nullptr;
  std::string canonical;
  bool prv = false;
};

std::string side_suffix(Side side) {
  if (side == Side::left) return "_L";
  if (side == Side::right) return "_R";
  return "";
}

VocabularyMatch match_vocabulary(const std::string& name, const StructureVocabulary& vocabulary) {
  VocabularyMatch match;
  // PRV suffix: "SC PRV", "SpinalCord_PRV05".
  std::string base_name = name;
  auto words = words_of(name);
  if (!words.empty()) {
    std::string last = squash(words.back());
    if (last.rfind("prv", 0) == 0 && std::all_of(last.begin() + 3, last.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        })) {
      match.prv = true;
      words.pop_back();
      base_name.clear();
      for (std::size_t i = 0; i < words.size(); ++i) base_name += (i ? "_" : "") + words[i];
    }
  }
  const std::string full = squash(base_name);
  Side side = Side::none;
  const std::string stripped = strip_laterality(base_name, side);
  auto try_match = [&](const std::string& key, Side key_side) -> bool {
    if (key.empty()) return false;
    for (const auto& entry : vocabulary.entries) {
      bool hit = squash(entry.canonical_name) == key;
      for (std::size_t i = 0; !hit && i < entry.aliases.size(); ++i) hit = squash(entry.aliases[i]) == key;
      if (!hit) continue;
      match.entry = &entry;
      match.canonical = entry.canonical_name + side_suffix(key_side) + (match.prv ? "_PRV" : "");
      return true;
    }
    return false;
  };
  if (try_match(full, Side::none)) return match;
  if (side != Side::none && try_match(stripped, side)) return match;
  // Trailing digits are a clinic's version marks ("HEART4", "SPINAL CORD2").
  std::string no_digits = full;
  while (!no_digits.empty() && std::isdigit(static_cast<unsigned char>(no_digits.back())))
    no_digits.pop_back();
  if (no_digits != full && no_digits.size() >= 3 && try_match(no_digits, Side::none)) return match;
  return match;
}

struct TypeRule {
  const char* type;
  StructureCategory category;
};

// RTROIInterpretedType values that decide the category on their own (PS3.3 C.8.8.8.1).
constexpr TypeRule specific_types[] = {{"EXTERNAL", StructureCategory::external},
                                       {"GTV", StructureCategory::gtv},
                                       {"CTV", StructureCategory::ctv},
                                       {"ITV", StructureCategory::itv},
                                       {"PTV", StructureCategory::ptv},
                                       {"ORGAN", StructureCategory::oar},
                                       {"SUPPORT", StructureCategory::support},
                                       {"FIXATION", StructureCategory::support},
                                       {"BOLUS", StructureCategory::support},
                                       {"MARKER", StructureCategory::marker},
                                       {"REGISTRATION", StructureCategory::marker},
                                       {"ISOCENTER", StructureCategory::isocenter},
                                       {"BRACHY_CHANNEL", StructureCategory::brachy_channel},
                                       {"BRACHY_ACCESSORY", StructureCategory::brachy_channel},
                                       {"BRACHY_SRC_APP", StructureCategory::brachy_channel},
                                       {"BRACHY_CHNL_SHLD", StructureCategory::brachy_channel},
                                       {"DOSE_MEASUREMENT", StructureCategory::marker}};

std::optional<StructureCategory> category_from_type(const std::string& type) {
  for (const auto& rule : specific_types)
    if (type == rule.type) return rule.category;
  return std::nullopt;
}

std::string read_text_file(const std::filesystem::path& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  if (!ok) return "";
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

StructureVocabulary parse_structure_vocabulary(const std::string& text, const std::string& source_name) {
  StructureVocabulary vocabulary;
  vocabulary.sources.push_back(source_name);
  std::istringstream in(text);
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    auto columns = split(line, '\t');
    const std::string where = source_name + ":" + std::to_string(line_number) + ": ";
    if (columns.size() < 2) {
      vocabulary.problems.push_back(where + "expected 'name<TAB>category<TAB>aliases', line skipped");
      continue;
    }
    VocabularyEntry entry;
    entry.canonical_name = trim(columns[0]);
    auto category = category_from_word(trim(columns[1]));
    if (entry.canonical_name.empty() || !category) {
      vocabulary.problems.push_back(where + "unknown category '" + trim(columns[1]) + "', line skipped");
      continue;
    }
    entry.category = *category;
    if (columns.size() >= 3)
      for (const auto& alias : split(columns[2], ','))
        if (!trim(alias).empty()) entry.aliases.push_back(trim(alias));
    vocabulary.entries.push_back(std::move(entry));
  }
  return vocabulary;
}

StructureVocabulary load_structure_vocabulary(const CheckOptions& options) {
  StructureVocabulary vocabulary;
  std::filesystem::path default_path = options.default_structure_vocabulary;
  if (default_path.empty()) {
    default_path = default_ruleset_dir() / structure_vocabulary_file;
  }
  std::vector<std::filesystem::path> paths{default_path};
  if (!options.structure_vocabulary.empty()) paths.push_back(options.structure_vocabulary);
  for (const auto& path : paths) {
    bool ok = false;
    const std::string text = read_text_file(path, ok);
    if (!ok) {
      vocabulary.problems.push_back(path.string() + ": cannot read structure vocabulary");
      continue;
    }
    auto part = parse_structure_vocabulary(text, path.string());
    for (auto& e : part.entries) vocabulary.entries.push_back(std::move(e));
    for (auto& s : part.sources) vocabulary.sources.push_back(std::move(s));
    for (auto& p : part.problems) vocabulary.problems.push_back(std::move(p));
  }
  return vocabulary;
}

RoiClassification classify_roi(const Roi& roi, const StructureVocabulary& vocabulary) {
  RoiClassification c;
  c.roi_number = roi.number;
  c.roi_name = roi.name;
  c.interpreted_type = upper(roi.interpreted_type);
  for (const auto& contour : roi.contours) {
    if (contour.geometric_type == "CLOSED_PLANAR" && contour.points_mm.size() >= 3)
      ++c.closed_contour_count;
    else if (contour.geometric_type == "POINT")
      ++c.point_contour_count;
    else
      ++c.open_contour_count;  // OPEN_*, degenerate CLOSED_PLANAR, unknown types
  }

  const VocabularyMatch vocab = match_vocabulary(roi.name, vocabulary);
  if (vocab.entry) c.canonical_name = vocab.canonical;
  const std::string type_text = "RTROIInterpretedType " + c.interpreted_type;

  // 1. A specific interpreted type decides. ORGAN is also the type planning systems give
  // every new ROI, so a TG-263 helper or target name overrides it.
  if (c.interpreted_type == "ORGAN") {
    if (is_helper_prefix(roi.name) || has_helper_word(roi.name)) {
      c.category = StructureCategory::control;
      c.rule = type_text + ", but the name is a TG-263 planning aid (z/_ prefix or opt/ring/wall word)";
      return c;
    }
    if (auto target = target_prefix(roi.name)) {
      c.category = *target;
      c.rule = type_text + ", but the name has target prefix " + std::string(to_string(*target)) +
               " (ORGAN is the planning system's default type)";
      return c;
    }
  }
  if (auto by_type = category_from_type(c.interpreted_type)) {
    c.by_type = true;
    c.category = *by_type;
    c.rule = type_text;
    return c;
  }
  // AVOIDANCE: an OAR when the name is a TG-263 organ, else a planning aid.
  if (c.interpreted_type == "AVOIDANCE") {
    c.by_type = true;
    const bool named_organ = vocab.entry && vocab.entry->category == StructureCategory::oar && !vocab.prv;
    c.category = named_organ ? StructureCategory::oar : StructureCategory::avoidance;
    c.rule = named_organ ? type_text + ", name matches TG-263 organ " + vocab.canonical : type_text;
    return c;
  }

  // 2. Empty or generic type (CONTROL, DOSE_REGION, ...): the name decides.
  const std::string why_name =
      c.interpreted_type.empty() ? "RTROIInterpretedType empty" : type_text + " (generic)";
  if (is_helper_prefix(roi.name)) {
    c.category = StructureCategory::control;
    c.rule = why_name + "; name has TG-263 helper prefix 'z'/'_'";
    return c;
  }
  if (auto target = target_prefix(roi.name)) {
    if (has_helper_word(roi.name)) {
      c.category = StructureCategory::control;
      c.rule = why_name + "; name has target prefix but a planning-aid word (opt/ring/wall/...)";
      return c;
    }
    c.category = *target;
    c.rule = why_name + "; name prefix " + std::string(to_string(*target)) + " (TG-263)";
    return c;
  }
  if (vocab.entry) {
    c.category = vocab.prv ? StructureCategory::avoidance : vocab.entry->category;
    c.rule = why_name + "; name matches vocabulary entry " + vocab.entry->canonical_name +
             (vocab.prv ? " with PRV suffix" : "");
    return c;
  }
  if (c.interpreted_type == "CONTROL" || c.interpreted_type == "DOSE_REGION") {
    c.category = StructureCategory::control;
    c.rule = type_text + "; name not in vocabulary";
    return c;
  }
  if (c.closed_contour_count == 0 && c.point_contour_count > 0 && c.open_contour_count == 0) {
    c.category = StructureCategory::marker;
    c.rule = why_name + "; name not in vocabulary; POINT contours only";
    return c;
  }
  c.category = StructureCategory::other;
  c.rule = why_name + "; name not in vocabulary";
  return c;
}

std::vector<RoiClassification> classify_structures(const StructureSet& structure_set,
                                                   const StructureVocabulary& vocabulary) {
  std::vector<RoiClassification> out;
  out.reserve(structure_set.rois.size());
  for (const auto& roi : structure_set.rois) out.push_back(classify_roi(roi, vocabulary));
  return out;
}

namespace {

// Point and channel ROIs are expected to have no volume.
bool volume_expected(StructureCategory c) {
  return c != StructureCategory::isocenter && c != StructureCategory::marker &&
         c != StructureCategory::brachy_channel;
}

std::string roi_label(const RoiClassification& c) {
  return "'" + c.roi_name + "' (#" + std::to_string(c.roi_number) + ")";
}

Finding contoured_finding(std::string_view id, const char* kind, const PlanSet& plan_set,
                          const std::vector<RoiClassification>& structures,
                          bool (*wanted)(StructureCategory)) {
  const std::string subject =
      plan_set.structure_set ? structure_set_subject(*plan_set.structure_set) : plan_subject(plan_set);
  const std::string rule =
      std::string(">= 1 ") + kind +
      " ROI with closed planar contours (type by RTROIInterpretedType, else TG-263 name)";
  if (!plan_set.structure_set)
    return make_finding(
        id, Status::not_evaluable, Severity::error, subject,
        std::string("no structure set in the plan set: ") + kind + " contours cannot be verified", rule);
  std::vector<std::string> with_volume, without_volume;
  for (const auto& c : structures) {
    if (!wanted(c.category)) continue;
    (c.has_volume() ? with_volume : without_volume).push_back(roi_label(c) + " [" + c.rule + "]");
  }
  Finding f;
  if (!with_volume.empty()) {
    f = make_finding(id, Status::pass, Severity::info, subject,
                     std::to_string(with_volume.size()) + " " + kind + " ROI(s) with closed contours", rule);
  } else {
    f = make_finding(id, Status::fail, Severity::error, subject,
                     without_volume.empty() ? std::string("no ") + kind + " ROI in the structure set"
                                            : std::string("no ") + kind + " ROI has closed contours",
                     rule);
  }
  for (const auto& s : with_volume) f.evidence.push_back({std::string(kind) + " contoured", s});
  for (const auto& s : without_volume)
    f.evidence.push_back({std::string(kind) + " without closed contours", s});
  return f;
}

}  // namespace

std::vector<Finding> check_structures(const PlanSet& plan_set,
                                      const std::vector<RoiClassification>& structures) {
  std::vector<Finding> out;
  out.push_back(contoured_finding(check_id::gtv_contoured, "GTV", plan_set, structures,
                                  [](StructureCategory c) { return c == StructureCategory::gtv; }));
  out.push_back(contoured_finding(check_id::ptv_contoured, "PTV", plan_set, structures,
                                  [](StructureCategory c) { return c == StructureCategory::ptv; }));
  out.push_back(contoured_finding(check_id::oar_contoured, "OAR", plan_set, structures,
                                  [](StructureCategory c) { return c == StructureCategory::oar; }));

  const std::string rule =
      "ROIs with no CLOSED_PLANAR contour (empty, open or point contours only) are reported; "
      "isocentre, marker and brachy channel ROIs are points/lines by nature and not counted";
  if (!plan_set.structure_set) {
    out.push_back(make_finding(check_id::empty_rois, Status::not_evaluable, Severity::info,
                               plan_subject(plan_set), "no structure set in the plan set", rule));
    return out;
  }
  const std::string subject = structure_set_subject(*plan_set.structure_set);
  std::vector<Evidence> reported;
  bool critical = false;
  for (const auto& c : structures) {
    if (c.has_volume() || !volume_expected(c.category)) continue;
    std::string what = c.open_contour_count + c.point_contour_count == 0
                           ? "no contours"
                           : std::to_string(c.open_contour_count) + " open, " +
                                 std::to_string(c.point_contour_count) + " point contour(s), none closed";
    reported.push_back({roi_label(c) + " " + to_string(c.category), what});
    critical = critical || is_target(c.category) || c.category == StructureCategory::oar;
  }
  if (reported.empty()) {
    out.push_back(make_finding(check_id::empty_rois, Status::pass, Severity::info, subject,
                               "every ROI that should enclose a volume has closed contours", rule));
    return out;
  }
  Finding f = make_finding(check_id::empty_rois, Status::fail, Severity::warning, subject,
                           std::to_string(reported.size()) + " ROI(s) without volume" +
                               (critical ? ", including a target or OAR (no DVH possible)" : ""),
                           rule);
  f.evidence = std::move(reported);
  out.push_back(std::move(f));
  return out;
}

}  // namespace rtreview
