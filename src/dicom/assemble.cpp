// Plan-set assembly and input findings: pure logic over the model (no DCMTK).
//
// Rules, in order (objects of different PatientIDs are never joined: a finding instead;
// an empty PatientID is unknown and compatible with any):
//  1. every plan starts a set (plans sorted by label, then SOP Instance UID);
//  2. plan -> structure set by ReferencedStructureSetSequence; else the structure set of the
//     plan's frame of reference when exactly one candidate (same patient; first those no
//     plan references, then the others); several candidates: none is picked, the candidates
//     are reported (AMBIGUOUS_CANDIDATES) unless AssemblyOptions::structure_set_uid names one;
//  3. dose -> plan by ReferencedRTPlanSequence; else a plan listing the dose in its
//     ReferencedDoseSequence; else the plan of the dose's frame of reference when exactly one
//     (several: reported, unless AssemblyOptions::plan_uid names one);
//  4. doses and structure sets left over form plan-less sets, grouped by patient and the plan
//     UID they reference (if any) or their frame of reference.
// The result depends only on the objects, never on which folder they were found under, so a
// plan's set is the same whether its folder or a parent folder is read.
// A structure set's frames are its top-level FoR plus the FoRs its ROIs and
// ReferencedFrameOfReferenceSequence name (the top-level one is often empty).
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "rtreview/check_ids.h"
#include "rtreview/dicom_io.h"
#include "rtreview/text.h"

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

Finding assembly_finding(std::string_view id, Status status, Severity severity, std::string subject,
                         std::string message, std::vector<Evidence> evidence = {}) {
  return make_finding(
      id, status, severity, std::move(subject), std::move(message),
      "DICOM references (PS3.3 RT General Plan / RT Dose / Structure Set modules) and frames of reference",
      std::move(evidence));
}

// Cross-object consistency inside one set: FoR between dose/plan and structure set, PatientID.
void consistency_findings(PlanSet& set) {
  if (set.structure_set) {
    const std::set<std::string> ss_frames = frames_of(*set.structure_set);
    auto check_frame = [&](const std::string& frame, const std::string& who, Severity severity) {
      if (frame.empty() || ss_frames.empty() || ss_frames.count(frame)) return;
      set.findings.push_back(assembly_finding(
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
    set.findings.push_back(assembly_finding(
        check_id::patient_id_mismatch, Status::fail, Severity::warning, "plan set " + set.id,
        "objects of this plan set carry different PatientIDs: " + listed, std::move(evidence)));
  }
}

bool same_patient(const ObjectInfo& a, const ObjectInfo& b) {
  return a.patient.id.empty() || b.patient.id.empty() || a.patient.id == b.patient.id;
}

Finding other_patient(const std::string& who, const std::string& whom, const ObjectInfo& a,
                      const ObjectInfo& b, const std::string& link) {
  return assembly_finding(
      check_id::patient_id_mismatch, Status::fail, Severity::warning, who,
      who + " (PatientID '" + a.patient.id + "') " + link + " " + whom + " (PatientID '" + b.patient.id +
          "'): objects of different patients are never joined",
      {{"PatientID '" + a.patient.id + "'", who}, {"PatientID '" + b.patient.id + "'", whom}});
}

template <typename Object>
Finding ambiguous(const std::string& who, const std::vector<const Object*>& candidates,
                  const std::string& why, const std::string& option) {
  std::vector<Evidence> evidence;
  for (const Object* c : candidates)
    evidence.push_back({"candidate", describe(*c) + " " + c->info.sop_instance_uid});
  return assembly_finding(check_id::ambiguous_candidates, Status::not_evaluable, Severity::warning, who,
                          std::to_string(candidates.size()) + " objects could belong to " + who + " (" + why +
                              ") and nothing decides between them: none joined; choose with " + option,
                          std::move(evidence));
}

struct Objects {
  std::vector<std::shared_ptr<const Plan>> plans;
  std::vector<std::shared_ptr<const StructureSet>> structure_sets;
  std::vector<std::shared_ptr<const DoseGrid>> doses;
  std::vector<std::pair<std::string, Finding>> duplicates;  // (UID, finding)
};

// Duplicate SOP Instance UIDs: keep the first object (read order), report the rest.
Objects unique_objects(const Inventory& inventory) {
  Objects out;
  std::map<std::string, std::string> first_by_uid;  // UID -> description of first holder
  auto is_duplicate = [&](const ObjectInfo& info, const std::string& what) {
    if (info.sop_instance_uid.empty()) return false;
    auto [it, inserted] = first_by_uid.emplace(info.sop_instance_uid, what);
    if (inserted) return false;
    out.duplicates.emplace_back(
        info.sop_instance_uid,
        assembly_finding(check_id::duplicate_sop_instance, Status::fail, Severity::warning, info.source.path,
                         what + " has SOP Instance UID " + info.sop_instance_uid + ", already used by " +
                             it->second + ": ignored",
                         {{"SOP Instance UID", info.sop_instance_uid}, {"first file", it->second}}));
    return true;
  };
  for (const auto& p : inventory.plans)
    if (p && !is_duplicate(p->info, describe(*p))) out.plans.push_back(p);
  for (const auto& s : inventory.structure_sets)
    if (s && !is_duplicate(s->info, describe(*s))) out.structure_sets.push_back(s);
  for (const auto& d : inventory.doses)
    if (d && !is_duplicate(d->info, describe(*d))) out.doses.push_back(d);
  std::stable_sort(out.plans.begin(), out.plans.end(), [](const auto& a, const auto& b) {
    if (a->label != b->label) return a->label < b->label;
    return a->info.sop_instance_uid < b->info.sop_instance_uid;
  });
  return out;
}

// Step 2 for one plan: its structure set by reference, else the unique FoR candidate.
void join_structure_set(const Plan& p, const Objects& objects,
                        const std::set<const StructureSet*>& referenced, const AssemblyOptions& options,
                        PlanSet& set) {
  for (const auto& uid : p.referenced_structure_set_uids) {
    auto it = std::find_if(objects.structure_sets.begin(), objects.structure_sets.end(),
                           [&](const auto& s) { return s->info.sop_instance_uid == uid; });
    if (it == objects.structure_sets.end()) {
      set.findings.push_back(assembly_finding(
          check_id::dangling_reference, Status::fail, Severity::warning, describe(p),
          describe(p) + " references structure set " + uid + ", which is not among the inputs",
          {{"ReferencedStructureSetSequence UID", uid}}));
    } else if (!same_patient(p.info, (*it)->info)) {
      set.findings.push_back(other_patient(describe(p), describe(**it), p.info, (*it)->info, "references"));
    } else if (!set.structure_set) {
      set.structure_set = *it;
    }
  }
  const std::string& frame = p.info.frame_of_reference_uid;
  if (set.structure_set || frame.empty()) return;
  for (int pass = 0; pass < 2; ++pass) {  // first the structure sets no plan claims
    std::vector<const StructureSet*> candidates;
    std::vector<std::shared_ptr<const StructureSet>> owners;
    bool other_patients = false;
    for (const auto& s : objects.structure_sets) {
      if ((pass == 0) == (referenced.count(s.get()) > 0) || !frames_of(*s).count(frame)) continue;
      if (!same_patient(p.info, s->info)) {
        other_patients = true;
        continue;
      }
      candidates.push_back(s.get());
      owners.push_back(s);
    }
    if (other_patients && pass == 0)
      set.findings.push_back(
          assembly_finding(check_id::patient_id_mismatch, Status::info, Severity::info, describe(p),
                           "structure set(s) of another PatientID share frame of reference " + frame +
                               " with " + describe(p) + ": not joined"));
    if (candidates.empty()) continue;
    std::size_t chosen = candidates.size();
    for (std::size_t i = 0; i < candidates.size(); ++i)
      if (candidates.size() == 1 || candidates[i]->info.sop_instance_uid == options.structure_set_uid)
        chosen = i;
    if (chosen == candidates.size()) {
      set.findings.push_back(ambiguous(describe(p), candidates,
                                       "same frame of reference " + frame + ", no reference",
                                       "--structure-set UID"));
      return;
    }
    set.structure_set = owners[chosen];
    set.findings.push_back(
        assembly_finding(check_id::orphan_object, Status::info, Severity::info, describe(*owners[chosen]),
                         describe(*owners[chosen]) + " is not referenced by " + describe(p) +
                             "; joined to it because it is the only structure set of this patient "
                             "in frame of reference " +
                             frame));
    return;
  }
}

// Step 3 for one dose: the set it belongs to, or null (findings for why go to `findings`).
PlanSet* plan_set_of_dose(const DoseGrid& d, std::vector<PlanSet>& sets, const AssemblyOptions& options,
                          std::vector<Finding>& findings, std::string& how) {
  for (auto& s : sets)
    if (!d.referenced_plan_uid.empty() && s.plan->info.sop_instance_uid == d.referenced_plan_uid) {
      if (same_patient(d.info, s.plan->info)) return &s;
      findings.push_back(other_patient(describe(d), describe(*s.plan), d.info, s.plan->info, "references"));
      return nullptr;
    }
  if (!d.referenced_plan_uid.empty())
    findings.push_back(assembly_finding(
        check_id::dangling_reference, Status::fail, Severity::warning, describe(d),
        describe(d) + " references RT Plan " + d.referenced_plan_uid + ", which is not among the inputs",
        {{"ReferencedRTPlanSequence UID", d.referenced_plan_uid}}));
  for (auto& s : sets) {
    const auto& refs = s.plan->referenced_dose_uids;
    if (std::count(refs.begin(), refs.end(), d.info.sop_instance_uid) && same_patient(d.info, s.plan->info)) {
      how = "the plan's ReferencedDoseSequence";
      return &s;
    }
  }
  const std::string& frame = d.info.frame_of_reference_uid;
  if (frame.empty()) return nullptr;
  std::vector<PlanSet*> candidates;
  for (auto& s : sets)
    if (s.plan->info.frame_of_reference_uid == frame && same_patient(d.info, s.plan->info))
      candidates.push_back(&s);
  how = "frame of reference " + frame + " (the only plan of this patient in it)";
  if (candidates.size() == 1) return candidates.front();
  for (PlanSet* s : candidates)
    if (!options.plan_uid.empty() && s->plan->info.sop_instance_uid == options.plan_uid) {
      how = "frame of reference " + frame + " and the chosen plan " + options.plan_uid;
      return s;
    }
  if (candidates.size() > 1) {
    std::vector<const Plan*> plans;
    for (PlanSet* s : candidates) plans.push_back(s->plan.get());
    findings.push_back(
        ambiguous(describe(d), plans, "same frame of reference " + frame + ", no reference", "--plan UID"));
  }
  return nullptr;
}

// Step 4: doses and structure sets no plan took.
std::vector<PlanSet> planless_sets(
    const std::vector<std::pair<std::shared_ptr<const DoseGrid>, std::vector<Finding>>>& doses,
    const Objects& objects, const std::set<const StructureSet*>& used) {
  std::map<std::string, PlanSet> planless;                        // key -> set (ordered: deterministic)
  std::map<std::string, std::vector<std::string>> keys_by_frame;  // patient|FoR -> keys
  for (const auto& [d, findings] : doses) {
    const std::string patient = d->info.patient.id + "|";
    std::string key = !d->referenced_plan_uid.empty() ? "plan:" + patient + d->referenced_plan_uid
                      : !d->info.frame_of_reference_uid.empty()
                          ? "for:" + patient + d->info.frame_of_reference_uid
                          : "dose:" + d->info.sop_instance_uid + d->info.source.path;
    PlanSet& s = planless[key];
    if (s.id.empty())
      s.id = d->info.sop_instance_uid.empty() ? d->info.source.path : d->info.sop_instance_uid;
    if (!d->info.frame_of_reference_uid.empty()) {
      auto& keys = keys_by_frame[patient + d->info.frame_of_reference_uid];
      if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
    }
    for (const auto& f : findings) s.findings.push_back(f);
    s.findings.push_back(assembly_finding(check_id::orphan_object, Status::info, Severity::warning,
                                          describe(*d),
                                          describe(*d) + " belongs to no RT Plan among the inputs"));
    s.doses.push_back(d);
  }
  // A structure set joins a plan-less dose set of its patient and frame only when exactly one
  // structure set and one such set match (no arbitrary pairing).
  std::map<std::string, int> structure_sets_per_frame;
  for (const auto& ss : objects.structure_sets)
    if (!used.count(ss.get()))
      for (const auto& frame : frames_of(*ss)) ++structure_sets_per_frame[ss->info.patient.id + "|" + frame];
  for (const auto& ss : objects.structure_sets) {
    if (used.count(ss.get())) continue;
    PlanSet* target = nullptr;
    for (const auto& frame : frames_of(*ss)) {
      const std::string pf = ss->info.patient.id + "|" + frame;
      auto it = keys_by_frame.find(pf);
      if (it != keys_by_frame.end() && it->second.size() == 1 && structure_sets_per_frame[pf] == 1 &&
          !planless[it->second.front()].structure_set) {
        target = &planless[it->second.front()];
        break;
      }
    }
    if (!target) {
      target = &planless["ss:" + ss->info.sop_instance_uid + ss->info.source.path];
      target->id = ss->info.sop_instance_uid.empty() ? ss->info.source.path : ss->info.sop_instance_uid;
    }
    target->structure_set = ss;
    target->findings.push_back(
        assembly_finding(check_id::orphan_object, Status::info, Severity::warning, describe(*ss),
                         describe(*ss) + " is referenced by no RT Plan among the inputs"));
  }
  std::vector<PlanSet> out;
  for (auto& [key, s] : planless) out.push_back(std::move(s));
  std::stable_sort(out.begin(), out.end(), [](const PlanSet& a, const PlanSet& b) { return a.id < b.id; });
  return out;
}

void report_duplicates(std::vector<std::pair<std::string, Finding>>& duplicates, std::vector<PlanSet>& sets) {
  // Duplicates are reported in the set that holds the first object with that UID.
  for (auto& [uid, finding] : duplicates) {
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
}

}  // namespace

std::vector<PlanSet> assemble_plan_sets(const Inventory& inventory) {
  return assemble_plan_sets(inventory, {});
}

std::vector<PlanSet> assemble_plan_sets(const Inventory& inventory, const AssemblyOptions& options) {
  Objects objects = unique_objects(inventory);
  std::set<const StructureSet*> referenced;  // named by some plan
  for (const auto& p : objects.plans)
    for (const auto& uid : p->referenced_structure_set_uids)
      for (const auto& s : objects.structure_sets)
        if (s->info.sop_instance_uid == uid) referenced.insert(s.get());

  std::vector<PlanSet> sets;
  std::set<const StructureSet*> used;
  for (const auto& p : objects.plans) {
    PlanSet set;
    set.id = p->info.sop_instance_uid.empty() ? p->info.source.path : p->info.sop_instance_uid;
    set.plan = p;
    join_structure_set(*p, objects, referenced, options, set);
    if (set.structure_set) used.insert(set.structure_set.get());
    sets.push_back(std::move(set));
  }

  std::vector<std::pair<std::shared_ptr<const DoseGrid>, std::vector<Finding>>> leftover;
  for (const auto& d : objects.doses) {
    std::vector<Finding> findings;
    std::string how;
    PlanSet* target = plan_set_of_dose(*d, sets, options, findings, how);
    const bool unchosen = target && !how.empty() && how.rfind("frame", 0) == 0 && !options.dose_uid.empty() &&
                          options.dose_uid != d->info.sop_instance_uid;
    if (!target || unchosen) {
      leftover.emplace_back(d, std::move(findings));
      continue;
    }
    for (auto& f : findings) target->findings.push_back(std::move(f));
    if (!how.empty())
      target->findings.push_back(assembly_finding(
          check_id::orphan_object, Status::info, Severity::info, describe(*d),
          describe(*d) + " does not reference " + describe(*target->plan) + "; joined to it by " + how));
    target->doses.push_back(d);
  }

  // A plan's ReferencedDoseSequence naming a dose that was not given (e.g. TomoTherapy exports).
  for (auto& s : sets)
    for (const auto& uid : s.plan->referenced_dose_uids)
      if (std::none_of(objects.doses.begin(), objects.doses.end(),
                       [&](const auto& d) { return d->info.sop_instance_uid == uid; }))
        s.findings.push_back(assembly_finding(
            check_id::dangling_reference, Status::fail, Severity::warning, describe(*s.plan),
            describe(*s.plan) + " references RT Dose " + uid + ", which is not among the inputs",
            {{"ReferencedDoseSequence UID", uid}}));

  for (auto& s : planless_sets(leftover, objects, used)) sets.push_back(std::move(s));
  for (auto& set : sets) {
    std::stable_sort(set.doses.begin(), set.doses.end(), [](const auto& a, const auto& b) {
      const bool a_plan = a->summation_type == "PLAN", b_plan = b->summation_type == "PLAN";
      if (a_plan != b_plan) return a_plan;
      return a->info.sop_instance_uid != b->info.sop_instance_uid
                 ? a->info.sop_instance_uid < b->info.sop_instance_uid
                 : a->info.source.path < b->info.source.path;
    });
    consistency_findings(set);
  }
  report_duplicates(objects.duplicates, sets);
  return sets;
}

std::vector<Finding> inventory_findings(const Inventory& inventory) {
  std::vector<Finding> out;
  for (const auto& u : inventory.unreadable) {
    if (u.not_dicom) {
      Finding f =
          assembly_finding(check_id::file_not_rt, Status::info, Severity::info, u.path,
                           u.path + ": " + u.reason + "; ignored", {{"file", u.path}, {"reason", u.reason}});
      f.rule = "files that are not DICOM are listed and ignored";
      out.push_back(std::move(f));
      continue;
    }
    Finding f = assembly_finding(check_id::file_unreadable, Status::not_evaluable, Severity::error, u.path,
                                 u.path + ": " + u.reason, {{"file", u.path}, {"reason", u.reason}});
    f.rule = "every input file must be a readable DICOM object";
    out.push_back(std::move(f));
  }
  for (const auto& o : inventory.others) {
    Finding f = assembly_finding(check_id::file_not_rt, Status::info, Severity::info, o.info.source.path,
                                 o.info.source.path + ": " + o.reason,
                                 {{"SOP Class UID", o.info.sop_class_uid}, {"Modality", o.info.modality}});
    f.rule = "only RT Plan, RT Ion Plan, RT Dose and RT Structure Set objects are reviewed";
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace rtreview
