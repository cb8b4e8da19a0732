// Plan-set assembly and input findings: pure logic over the model (no DCMTK).
//
// Rules, in order:
//  1. every plan starts a set (plans sorted by label, then SOP Instance UID);
//  2. plan → structure set by ReferencedStructureSetSequence; else (or if the reference
//     dangles) the first structure set in the plan's frame of reference;
//  3. dose → plan by ReferencedRTPlanSequence; else a plan listing the dose in its
//     ReferencedDoseSequence; else the first plan in the dose's frame of reference;
//  4. doses and structure sets left over form plan-less sets, grouped by the plan UID
//     they reference (if any) or their frame of reference.
// A structure set's frames are its top-level FoR plus the FoRs its ROIs and
// ReferencedFrameOfReferenceSequence name (the top-level one is often empty).
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "rtreview/check_ids.h"
#include "rtreview/dicom_io.h"

namespace rtreview {
namespace {

std::string file_name(const ObjectInfo& info) {
  return std::filesystem::path(info.source.path).filename().string();
}

std::string describe(const Plan& p) {
  return "RT Plan '" + (p.label.empty() ? p.info.sop_instance_uid : p.label) + "' (" + file_name(p.info) +
         ")";
}
std::string describe(const DoseGrid& d) {
  return "RT Dose " + (d.summation_type.empty() ? std::string() : d.summation_type + " ") + "(" +
         file_name(d.info) + ")";
}
std::string describe(const StructureSet& s) {
  return "RT Structure Set '" + (s.label.empty() ? s.info.sop_instance_uid : s.label) + "' (" +
         file_name(s.info) + ")";
}

std::set<std::string> frames_of(const StructureSet& s) {
  std::set<std::string> out;
  if (!s.info.frame_of_reference_uid.empty()) out.insert(s.info.frame_of_reference_uid);
  for (const auto& uid : s.referenced_frame_of_reference_uids) out.insert(uid);
  for (const auto& roi : s.rois)
    if (!roi.frame_of_reference_uid.empty()) out.insert(roi.frame_of_reference_uid);
  return out;
}

Finding make_finding(std::string_view id, Status status, Severity severity, std::string subject,
                     std::string message, std::vector<Evidence> evidence = {}) {
  Finding f;
  f.id = std::string(id);
  f.status = status;
  f.severity = severity;
  f.subject = std::move(subject);
  f.message = std::move(message);
  f.evidence = std::move(evidence);
  f.rule =
      "DICOM references (PS3.3 RT General Plan / RT Dose / Structure Set modules) and frames of reference";
  return f;
}

std::string join(const std::set<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

// Cross-object consistency inside one set: FoR between dose/plan and structure set, PatientID.
void consistency_findings(PlanSet& set) {
  if (set.structure_set) {
    const std::set<std::string> ss_frames = frames_of(*set.structure_set);
    auto check_frame = [&](const std::string& frame, const std::string& who, Severity severity) {
      if (frame.empty() || ss_frames.empty() || ss_frames.count(frame)) return;
      set.findings.push_back(make_finding(
          check_id::frame_of_reference_mismatch, Status::fail, severity, who,
          who + " is in frame of reference " + frame + " but " + describe(*set.structure_set) + " is in " +
              join(ss_frames) + ": doses and structures cannot be overlaid",
          {{"object FrameOfReferenceUID", frame}, {"structure set frames of reference", join(ss_frames)}}));
    };
    for (const auto& dose : set.doses)
      check_frame(dose->info.frame_of_reference_uid, describe(*dose), Severity::error);
    if (set.plan) check_frame(set.plan->info.frame_of_reference_uid, describe(*set.plan), Severity::warning);
  }
  std::map<std::string, std::vector<std::string>> ids;  // PatientID → objects
  if (set.plan) ids[set.plan->info.patient.id].push_back(describe(*set.plan));
  if (set.structure_set) ids[set.structure_set->info.patient.id].push_back(describe(*set.structure_set));
  for (const auto& dose : set.doses) ids[dose->info.patient.id].push_back(describe(*dose));
  if (ids.size() > 1) {
    std::vector<Evidence> evidence;
    std::string listed;
    for (const auto& [id, objects] : ids) {
      std::string who;
      for (const auto& o : objects) who += (who.empty() ? "" : "; ") + o;
      evidence.push_back({"PatientID '" + id + "'", who});
      listed += (listed.empty() ? "'" : ", '") + id + "'";
    }
    set.findings.push_back(
        make_finding(check_id::patient_id_mismatch, Status::fail, Severity::warning, "plan set " + set.id,
                     "objects of this plan set carry different PatientIDs: " + listed, std::move(evidence)));
  }
}

}  // namespace

std::vector<PlanSet> assemble_plan_sets(const Inventory& inventory) {
  // Duplicate SOP Instance UIDs: keep the first object (read order), report the rest.
  std::map<std::string, std::string> first_by_uid;                  // UID → description of first holder
  std::vector<std::pair<std::string, Finding>> duplicate_findings;  // (UID, finding)
  auto is_duplicate = [&](const ObjectInfo& info, const std::string& what) {
    if (info.sop_instance_uid.empty()) return false;
    auto [it, inserted] = first_by_uid.emplace(info.sop_instance_uid, what);
    if (inserted) return false;
    duplicate_findings.emplace_back(
        info.sop_instance_uid,
        make_finding(check_id::duplicate_sop_instance, Status::fail, Severity::warning, info.source.path,
                     what + " has SOP Instance UID " + info.sop_instance_uid + ", already used by " +
                         it->second + ": ignored",
                     {{"SOP Instance UID", info.sop_instance_uid}, {"first file", it->second}}));
    return true;
  };
  std::vector<std::shared_ptr<const Plan>> plans;
  std::vector<std::shared_ptr<const StructureSet>> structure_sets;
  std::vector<std::shared_ptr<const DoseGrid>> doses;
  for (const auto& p : inventory.plans)
    if (p && !is_duplicate(p->info, describe(*p))) plans.push_back(p);
  for (const auto& s : inventory.structure_sets)
    if (s && !is_duplicate(s->info, describe(*s))) structure_sets.push_back(s);
  for (const auto& d : inventory.doses)
    if (d && !is_duplicate(d->info, describe(*d))) doses.push_back(d);

  std::stable_sort(plans.begin(), plans.end(), [](const auto& a, const auto& b) {
    if (a->label != b->label) return a->label < b->label;
    return a->info.sop_instance_uid < b->info.sop_instance_uid;
  });

  std::vector<PlanSet> sets;
  std::set<const StructureSet*> used_structure_sets;
  std::set<const StructureSet*> referenced_structure_sets;  // named by some plan
  for (const auto& p : plans)
    for (const auto& uid : p->referenced_structure_set_uids)
      for (const auto& s : structure_sets)
        if (s->info.sop_instance_uid == uid) referenced_structure_sets.insert(s.get());

  for (const auto& p : plans) {
    PlanSet set;
    set.id = p->info.sop_instance_uid.empty() ? p->info.source.path : p->info.sop_instance_uid;
    set.plan = p;
    for (const auto& uid : p->referenced_structure_set_uids) {
      auto it = std::find_if(structure_sets.begin(), structure_sets.end(),
                             [&](const auto& s) { return s->info.sop_instance_uid == uid; });
      if (it != structure_sets.end()) {
        if (!set.structure_set) set.structure_set = *it;
      } else {
        set.findings.push_back(make_finding(
            check_id::dangling_reference, Status::fail, Severity::warning, describe(*p),
            describe(*p) + " references structure set " + uid + ", which is not among the inputs",
            {{"ReferencedStructureSetSequence UID", uid}}));
      }
    }
    if (!set.structure_set && !p->info.frame_of_reference_uid.empty()) {
      // Fallback by frame of reference: prefer structure sets no plan claims explicitly.
      for (int pass = 0; pass < 2 && !set.structure_set; ++pass)
        for (const auto& s : structure_sets) {
          if (pass == 0 && referenced_structure_sets.count(s.get())) continue;
          if (frames_of(*s).count(p->info.frame_of_reference_uid)) {
            set.structure_set = s;
            set.findings.push_back(make_finding(check_id::orphan_object, Status::info, Severity::info,
                                                describe(*s),
                                                describe(*s) + " is not referenced by " + describe(*p) +
                                                    "; joined to it because they share frame of reference " +
                                                    p->info.frame_of_reference_uid));
            break;
          }
        }
    }
    if (set.structure_set) used_structure_sets.insert(set.structure_set.get());
    sets.push_back(std::move(set));
  }

  auto set_of_plan_uid = [&](const std::string& uid) -> PlanSet* {
    if (uid.empty()) return nullptr;
    for (auto& s : sets)
      if (s.plan && s.plan->info.sop_instance_uid == uid) return &s;
    return nullptr;
  };

  std::vector<std::shared_ptr<const DoseGrid>> leftover_doses;
  for (const auto& d : doses) {
    if (PlanSet* s = set_of_plan_uid(d->referenced_plan_uid)) {
      s->doses.push_back(d);
      continue;
    }
    Finding dangling;
    const bool dangles = !d->referenced_plan_uid.empty();
    if (dangles)
      dangling = make_finding(
          check_id::dangling_reference, Status::fail, Severity::warning, describe(*d),
          describe(*d) + " references RT Plan " + d->referenced_plan_uid + ", which is not among the inputs",
          {{"ReferencedRTPlanSequence UID", d->referenced_plan_uid}});
    PlanSet* target = nullptr;
    for (auto& s : sets)
      if (std::count(s.plan->referenced_dose_uids.begin(), s.plan->referenced_dose_uids.end(),
                     d->info.sop_instance_uid))
        target = &s;
    if (!target && !d->info.frame_of_reference_uid.empty())
      for (auto& s : sets)
        if (s.plan->info.frame_of_reference_uid == d->info.frame_of_reference_uid) {
          target = &s;
          break;
        }
    if (target) {
      if (dangles) target->findings.push_back(dangling);
      target->findings.push_back(make_finding(
          check_id::orphan_object, Status::info, Severity::info, describe(*d),
          describe(*d) + " does not reference " + describe(*target->plan) + "; joined to it by " +
              (std::count(target->plan->referenced_dose_uids.begin(),
                          target->plan->referenced_dose_uids.end(), d->info.sop_instance_uid)
                   ? "the plan's ReferencedDoseSequence"
                   : "frame of reference " + d->info.frame_of_reference_uid)));
      target->doses.push_back(d);
      continue;
    }
    leftover_doses.push_back(d);
  }

  // A plan's ReferencedDoseSequence naming a dose that was not given (e.g. TomoTherapy exports).
  for (auto& s : sets)
    for (const auto& uid : s.plan->referenced_dose_uids)
      if (std::none_of(doses.begin(), doses.end(),
                       [&](const auto& d) { return d->info.sop_instance_uid == uid; }))
        s.findings.push_back(
            make_finding(check_id::dangling_reference, Status::fail, Severity::warning, describe(*s.plan),
                         describe(*s.plan) + " references RT Dose " + uid + ", which is not among the inputs",
                         {{"ReferencedDoseSequence UID", uid}}));

  // Plan-less sets: doses grouped by the plan they name (or their FoR), structure sets by FoR.
  std::map<std::string, PlanSet> planless;  // key → set (ordered: deterministic)
  std::map<std::string, std::string> key_by_frame;
  for (const auto& d : leftover_doses) {
    std::string key = !d->referenced_plan_uid.empty() ? "plan:" + d->referenced_plan_uid
                      : !d->info.frame_of_reference_uid.empty()
                          ? "for:" + d->info.frame_of_reference_uid
                          : "dose:" + d->info.sop_instance_uid + d->info.source.path;
    PlanSet& s = planless[key];
    if (s.id.empty())
      s.id = d->info.sop_instance_uid.empty() ? d->info.source.path : d->info.sop_instance_uid;
    if (!d->info.frame_of_reference_uid.empty()) key_by_frame.emplace(d->info.frame_of_reference_uid, key);
    if (!d->referenced_plan_uid.empty())
      s.findings.push_back(make_finding(
          check_id::dangling_reference, Status::fail, Severity::warning, describe(*d),
          describe(*d) + " references RT Plan " + d->referenced_plan_uid + ", which is not among the inputs",
          {{"ReferencedRTPlanSequence UID", d->referenced_plan_uid}}));
    s.findings.push_back(make_finding(check_id::orphan_object, Status::info, Severity::warning, describe(*d),
                                      describe(*d) + " belongs to no RT Plan among the inputs"));
    s.doses.push_back(d);
  }
  for (const auto& ss : structure_sets) {
    if (used_structure_sets.count(ss.get())) continue;
    PlanSet* target = nullptr;
    for (const auto& frame : frames_of(*ss)) {
      auto it = key_by_frame.find(frame);
      if (it != key_by_frame.end() && !planless[it->second].structure_set) {
        target = &planless[it->second];
        break;
      }
    }
    if (!target) {
      target = &planless["ss:" + ss->info.sop_instance_uid + ss->info.source.path];
      target->id = ss->info.sop_instance_uid.empty() ? ss->info.source.path : ss->info.sop_instance_uid;
    }
    target->structure_set = ss;
    target->findings.push_back(make_finding(check_id::orphan_object, Status::info, Severity::warning,
                                            describe(*ss),
                                            describe(*ss) + " is referenced by no RT Plan among the inputs"));
  }
  std::vector<PlanSet> planless_sorted;
  for (auto& [key, s] : planless) planless_sorted.push_back(std::move(s));
  std::stable_sort(planless_sorted.begin(), planless_sorted.end(),
                   [](const PlanSet& a, const PlanSet& b) { return a.id < b.id; });
  for (auto& s : planless_sorted) sets.push_back(std::move(s));

  for (auto& set : sets) {
    std::stable_sort(set.doses.begin(), set.doses.end(), [](const auto& a, const auto& b) {
      const bool a_plan = a->summation_type == "PLAN", b_plan = b->summation_type == "PLAN";
      if (a_plan != b_plan) return a_plan;
      return a->info.source.path < b->info.source.path;
    });
    consistency_findings(set);
  }
  // Duplicates are reported in the set that holds the first object with that UID.
  for (auto& [uid, finding] : duplicate_findings) {
    PlanSet* home = sets.empty() ? nullptr : &sets.front();
    for (auto& s : sets) {
      bool holds = (s.plan && s.plan->info.sop_instance_uid == uid) ||
                   (s.structure_set && s.structure_set->info.sop_instance_uid == uid);
      for (const auto& d : s.doses) holds = holds || d->info.sop_instance_uid == uid;
      if (holds) {
        home = &s;
        break;
      }
    }
    if (home) home->findings.push_back(std::move(finding));
  }
  return sets;
}

std::vector<Finding> inventory_findings(const Inventory& inventory) {
  std::vector<Finding> out;
  for (const auto& u : inventory.unreadable) {
    if (u.not_dicom) {
      Finding f =
          make_finding(check_id::file_not_rt, Status::info, Severity::info, u.path,
                       u.path + ": " + u.reason + "; ignored", {{"file", u.path}, {"reason", u.reason}});
      f.rule = "files that are not DICOM are listed and ignored";
      out.push_back(std::move(f));
      continue;
    }
    Finding f = make_finding(check_id::file_unreadable, Status::not_evaluable, Severity::error, u.path,
                             u.path + ": " + u.reason, {{"file", u.path}, {"reason", u.reason}});
    f.rule = "every input file must be a readable DICOM object";
    out.push_back(std::move(f));
  }
  for (const auto& o : inventory.others) {
    Finding f = make_finding(check_id::file_not_rt, Status::info, Severity::info, o.info.source.path,
                             o.info.source.path + ": " + o.reason,
                             {{"SOP Class UID", o.info.sop_class_uid}, {"Modality", o.info.modality}});
    f.rule = "only RT Plan, RT Ion Plan, RT Dose and RT Structure Set objects are reviewed";
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace rtreview
