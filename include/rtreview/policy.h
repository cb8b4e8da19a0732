// Payer policies: rulesets (XML, rulesets/README.md), case files (the clinical facts
// DICOM cannot hold) and the three-valued evaluation of one policy into a Determination.
// Plain structs only: the XML reader (pugixml) stays inside src/policy/.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "rtreview/finding.h"
#include "rtreview/model.h"
#include "rtreview/result.h"
#include "rtreview/ruleset_dir.h"

namespace rtreview {

// ------------------------------------------------------------------ loading results

// Loading reports through the one Result (result.h): the file, the line and the problem.

// A problem that does not stop loading (an unknown but well-formed diagnosis code, ...).
struct LoadWarning {
  std::string file;
  int line = 0;
  std::string description;
  std::string message() const;  // "file:line: warning: description"
};

// ------------------------------------------------------------------ rulesets

enum class Truth { met, not_met, unknown };

struct SourceReference {
  std::string label;  // e.g. "LCD L36711"
  std::string url;    // may be ""
};

// Classes of treatment as coverage policies name them (rulesets' <applies-to delivery=...>):
// a grouping of the model's DeliveryKind, which the reader decides (delivery_class_of).
enum class DeliveryClass { photon, electron, ion, brachy, gamma_knife, unknown };
const char* to_string(DeliveryClass kind);  // "photon", "electron", "ion", "brachy", "gamma-knife", "unknown"

enum class MedicarePlan { unknown, advantage, original };

struct PolicyHeader {
  std::string id;         // e.g. "MC.CP.MP.69"
  std::string payer;      // e.g. "Centene Corporation (Medicare plans)"
  std::string payer_key;  // short matching key, e.g. "centene"; "" matches any payer
  std::string title;
  std::string revision_date;                   // as the source gives it, e.g. "2023-08"
  std::string effective_from;                  // YYYY-MM-DD or "" (open)
  std::string effective_to;                    // YYYY-MM-DD (exclusive) or "" (open)
  std::vector<std::string> lines_of_business;  // e.g. {"medicare"}; "any" = every line
  std::vector<std::string> excluded_lines;     // e.g. {"fep"} for Florida Blue
  // Medicare only: which Medicare plans the policy governs (empty = both).
  std::vector<MedicarePlan> medicare_plans;
  std::vector<std::string> jurisdictions;        // two-letter states; empty = everywhere
  std::vector<DeliveryClass> deliveries;         // plan kinds covered; empty = any
  std::vector<std::string> required_procedures;  // applies only when one is requested; empty = always
  std::vector<SourceReference> sources;
  bool manual_review = false;   // the policy's criteria are not public: never MEETS automatically
  std::string file;             // the ruleset file it was read from
  std::string ruleset_version;  // <ruleset version="...">
};

// An ICD-10-CM or procedure code set: prefix matches ("C50") and category ranges
// ("C00-C14": every code whose first three characters fall in the range).
// A prefix may hold '?' (any one character): "C81?2" = C81.x2.
struct CodeRange {
  std::string from;
  std::string to;  // "" for a prefix
};

struct ValueSet {
  std::string id;      // e.g. "head-neck"
  std::string label;   // e.g. "Head and neck malignancies"
  std::string phrase;  // the seed wording the set implements
  int line = 0;
  std::vector<CodeRange> ranges;
  bool contains(std::string_view code) const;  // code with or without the dot, any case
};

enum class RuleKind {
  all,
  any,
  none,
  at_least,
  criterion,  // combinations
  check,
  fact,
  diagnosis,
  age,
  document,
  asserted,
  line_of_business,
  manual  // tests
};
// "all", "any", "none", "at-least", "criterion", "check", ... (the XML element names).
const char* to_string(RuleKind kind);
// How a node's kind reads in the packet: "at least 2 of" for at-least, else to_string(kind).
std::string rule_kind_label(RuleKind kind, int at_least);

// How an `any` group of alternatives reads in the source (rulesets/README.md "Lists"):
// closed  - the items are the whole list: none met = not met;
// open    - "including", "may not be all-inclusive": a diagnosis outside every listed site
//           is unknown (manual review), a listed site whose qualifier fails is not met;
// examples- "the most common sites ... include": the list illustrates, never decides.
enum class ListKind { closed, open, examples };

enum class WindowFrom { date_of_service, request_date };

// One node of a criteria tree as written in the ruleset.
struct RuleNode {
  std::string outline_id;  // the policy's own id, e.g. "I.A.4"; tests inside a criterion: ""
  std::string text;        // short quote or paraphrase of the source
  RuleKind kind = RuleKind::all;
  ListKind list = ListKind::closed;  // for `any` groups
  int at_least = 0;                  // for kind at-least
  // Test parameters (leaf kinds): check id + status, fact name + value, value-set id,
  // age comparison, document kinds/LOINC/window/signers, asserted criterion id, lines.
  std::string check_id, check_status;
  std::string fact, fact_value;
  // <fact if-absent="not-met">, <asserted if-absent="unknown">: the result when the case file
  // gives no such fact or assertion (else: fact unknown, indication not met).
  std::optional<Truth> if_absent;
  std::string value_set;
  std::string age_op;  // lt | le | gt | ge
  double age_years = 0.0;
  std::vector<std::string> document_kinds;  // kind names or LOINC codes accepted
  int window_months = 0;                    // 0: no window
  WindowFrom window_from = WindowFrom::date_of_service;
  std::vector<std::string> signer_roles;        // every role must have signed
  bool signature_dated = false;                 // "signed and dated": each signature carries its date
  std::string asserted_id;                      // criterion id the case file asserts
  std::vector<std::string> lines;               // for line-of-business
  bool negate = false;                          // line-of-business not-in="..."
  std::vector<std::string> support_check_ids;   // supporting evidence shown beside this node
  std::vector<std::string> support_value_sets;  // diagnosis hints shown beside this node
  std::string citation;
  int line = 0;
  std::vector<RuleNode> children;
};

// A documentation requirement (checklist item): its tests combine like a criterion.
struct DocumentationRequirement {
  RuleNode node;                          // kind "criterion"; outline id, text, tests
  bool required = true;                   // false: listed on the checklist, never decides
  std::vector<std::string> only_lines;    // required only for these lines of business ("" = all)
  std::vector<std::string> except_lines;  // not required for these lines of business
};

struct ProcedureCode {
  std::string code;
  std::string description;
};

// A required signer role and the roles that satisfy it (rulesets/signer-roles.xml).
struct RoleAlias {
  std::string role;
  std::vector<std::string> satisfied_by;
};

// Procedure codes changed on one date (rulesets/procedure-code-changes.xml).
struct CodeChange {
  std::string effective;  // YYYY-MM-DD: dates of service from this day
  std::string source;
  struct Deleted {
    ValueSet codes;
    std::string replacement;  // what to report instead
  };
  std::vector<Deleted> deleted;
  ValueSet professional_only;  // e.g. 77387
  ValueSet replacements;       // e.g. 77402 77407 77412: not flagged when they replace a listed code
};

// Payer-independent tables the evaluation reads (loaded from the ruleset folder).
struct SharedTables {
  std::vector<RoleAlias> roles;
  std::vector<CodeChange> code_changes;
};

struct Ruleset {
  PolicyHeader header;
  std::vector<ValueSet> value_sets;    // own value sets plus the shared disease-site table
  RuleNode criteria;                   // the medical-necessity tree (root)
  std::optional<RuleNode> exclusions;  // met means "not medically necessary"
  std::vector<DocumentationRequirement> documentation;
  std::vector<ProcedureCode> procedure_codes;
  std::vector<std::string> notes;  // ruleset author's remarks shown in the packet
  SharedTables tables;             // from the ruleset folder (load_ruleset_dir / select_policies)
};

struct RulesetLoad {
  Ruleset ruleset;  // valid only when result.ok
  Result result;
};

// The citations of the ruleset's sentences that rely on check `check_id` (as a test or as
// supporting evidence): each reference's nearest cited node, in document order, no repeats.
// Checks cite no payer text themselves; a review cites what the evaluated policies say.
std::vector<std::string> check_citations(const Ruleset& ruleset, std::string_view check_id);

// Reads the shared disease-site table (rulesets/disease-sites.xml format).
struct ValueSetsLoad {
  std::vector<ValueSet> value_sets;
  Result result;
};
ValueSetsLoad load_value_sets(const std::filesystem::path& file);
ValueSetsLoad parse_value_sets(std::string_view xml, const std::string& file_label);

// Reads one ruleset file. Value sets it references but does not define come from
// `shared` (pass load_value_sets(...) of disease-sites.xml). Never throws on bad input.
RulesetLoad load_ruleset(const std::filesystem::path& file, const std::vector<ValueSet>& shared = {});
// Same, from text; `file_label` names it in messages.
RulesetLoad parse_ruleset(std::string_view xml, const std::string& file_label,
                          const std::vector<ValueSet>& shared = {});

// Every *.xml ruleset of a folder except the shared tables (disease-sites.xml,
// signer-roles.xml, procedure-code-changes.xml: read first and shared), sorted by file name.
// A broken file yields its own failed RulesetLoad only.
std::vector<RulesetLoad> load_ruleset_dir(const std::filesystem::path& dir);

// The signer-role and procedure-code tables of a ruleset folder.
struct SharedTablesLoad {
  SharedTables tables;
  Result result;
};
SharedTablesLoad load_shared_tables(const std::filesystem::path& dir);

// What the code-change table says about one requested procedure code on a date of service
// (the per-code flag of a form; the packet's code notes say the same in sentences).
enum class CodeStatusKind { current, deleted, professional_only };
std::string_view to_string(CodeStatusKind kind);  // "current", "deleted", "professional-only"
struct CodeStatus {
  CodeStatusKind kind = CodeStatusKind::current;
  std::string effective;    // YYYY-MM-DD of the change that applies, else ""
  std::string replacement;  // what to report instead of a deleted code
  std::string source;       // the change's source
};
CodeStatus procedure_code_status(const SharedTables& tables, const std::string& code,
                                 const std::string& date_of_service);

// Document kinds a ruleset may require and a case file may supply (LOINC codes accepted too).
const std::vector<std::string>& known_document_kinds();

// ------------------------------------------------------------------ case files

struct Signature {
  std::string name;
  std::string role;  // e.g. "radiation oncologist", "medical physicist"
  std::string date;  // YYYY-MM-DD or ""
};

struct SuppliedDocument {
  std::string kind;   // e.g. "clinical-note", "dosimetric-verification"
  std::string loinc;  // e.g. "28626-0" or ""
  std::string date;   // YYYY-MM-DD
  std::string title;
  std::vector<Signature> signed_by;
  int line = 0;
};

// An indication or exclusion asserted (or explicitly denied) by someone, by criterion id.
struct Assertion {
  std::string criterion;  // outline id, e.g. "I.A.4"; may be prefixed "POLICY-ID:" to target one policy
  bool present = true;    // false: explicitly "does not apply"
  std::string by;
  std::string role;
  std::string note;
  int line = 0;
};

struct Physician {
  std::string role;  // ordering | rendering | supervising | referring | attending
  std::string name;
  std::string npi;  // 10 digits with a valid check digit
  int line = 0;
};

struct RequestedProcedure {
  std::string code;                    // CPT / HCPCS, 5 characters
  std::vector<std::string> modifiers;  // e.g. {"26"}, {"59"}, {"XU"}
  int units = 1;
  int line = 0;
  // Units a request may carry, whichever form it comes in (case file XML, serve's JSON): a
  // whole number in this range (the XML attribute as plain digits, leading zeros allowed).
  static constexpr int min_units = 1, max_units = 999;
  static bool units_allowed(double units) {
    return units >= min_units && units <= max_units && units == static_cast<int>(units);
  }
};

struct PriorRadiation {
  std::string region;
  std::optional<double> dose_gy;
  std::string date;  // YYYY-MM-DD or ""
  int line = 0;
};

struct CaseFact {
  std::string name;   // one of known_case_facts()
  std::string value;  // "true"/"false" or text
  int line = 0;
};

struct CaseFile {
  std::string file;
  std::string date_of_service;   // YYYY-MM-DD (required)
  std::string line_of_business;  // medicare | commercial | medicaid | marketplace | fep | ...
  std::string payer;             // optional payer key, e.g. "centene"
  MedicarePlan medicare_plan = MedicarePlan::unknown;  // <medicare-plan> advantage | original
  std::string jurisdiction_state;                      // two letters, e.g. "FL"; "" not stated
  std::string jurisdiction_mac;                        // e.g. "First Coast"
  std::string request_date;                            // YYYY-MM-DD or ""
  std::string patient_name;                            // as on the request, e.g. "Doe^Jane"
  std::string patient_id;                              // MRN / patient ID
  std::string member_id;                               // payer member ID
  std::optional<double> patient_age_years;
  std::string birth_date;  // YYYY-MM-DD or ""
  std::string sex;
  std::vector<std::string> diagnoses;          // ICD-10-CM as written (dots allowed)
  std::vector<int> diagnosis_lines;            // parallel to diagnoses
  std::vector<std::string> procedure_codes;    // CPT/HCPCS requested (codes only)
  std::vector<RequestedProcedure> procedures;  // the same with modifiers and units
  std::vector<Physician> physicians;
  std::vector<PriorRadiation> prior_radiation;
  std::optional<bool> post_operative;
  bool unedited_template = false;  // <unedited-template/>: never MEETS
  std::vector<Assertion> indications;
  std::vector<Assertion> exclusions;
  std::optional<Signature> exclusions_reviewed;  // "none of the exclusions apply", attested
  std::vector<SuppliedDocument> documents;
  std::vector<CaseFact> facts;
  std::string rationale;  // free text
};

struct CaseFileLoad {
  CaseFile case_file;
  Result result;
  std::vector<LoadWarning> warnings;  // e.g. a well-formed diagnosis code outside ICD-10-CM's categories
};

CaseFileLoad load_case_file(const std::filesystem::path& file);
CaseFileLoad parse_case_file(std::string_view xml, const std::string& file_label);

// The case file as XML (what the web form downloads): elements in the template's order,
// empty fields left out. parse_case_file() of the text gives back the same facts, and
// writing those again gives the same bytes.
std::string case_file_xml(const CaseFile& case_file);

// Names accepted in <fact name="..."> (case file) and tested by <fact> leaves (ruleset).
const std::vector<std::string>& known_case_facts();

// A commented case file showing every element (what `rtreview case-template` prints). It is
// internally consistent and says so at the top; it carries <unedited-template/>, so a review
// with it unedited is never MEETS.
std::string case_file_template();

// Checks the case's indications and exclusions against the rulesets: an unknown policy
// prefix or criterion id (with the nearest valid ids), or an exclusion asserted through
// <indication> (or the reverse), is an error naming the case file and line.
std::vector<Result> validate_case_against(const CaseFile& case_file, const std::vector<Ruleset>& rulesets);

// Compares the request's patient name, ID and birth date with the DICOM's PatientName,
// PatientID and PatientBirthDate (YYYYMMDD). A mismatch is an error-level finding with id
// PATIENT_IDENTITY (show it first); a match passes; a field absent on either side is
// not evaluable. Names compare case-, space- and '^'-insensitively.
std::vector<Finding> compare_identity(const CaseFile& case_file, std::string_view dicom_name,
                                      std::string_view dicom_id, std::string_view dicom_birth_date);

// ------------------------------------------------------------------ DICOM facts

// Facts taken from the plan set for eligibility (all optional: "" / nullopt if absent).
struct DicomFacts {
  std::string patient_name;  // PatientName as stored
  std::string patient_id;
  std::string patient_birth_date;  // YYYYMMDD
  std::string patient_sex;
  std::string plan_date;    // YYYYMMDD (RTPlanDate)
  std::string review_date;  // YYYYMMDD (ReviewDate: the approval date)
  DeliveryClass delivery = DeliveryClass::unknown;
  std::optional<double> prescription_dose_gy;
  std::optional<int> fractions;
  std::optional<double> dose_per_fraction_gy;
  std::optional<bool> compensator_based;  // any beam carries a compensator
  std::string source;                     // e.g. "plan RTPLAN_1"
};

// (review.h derives them once per plan set from the check report: derive_dicom_facts.)

// The policy class of a plan's delivery kind (the reader decides the kind, from the
// machine, SOP class, radiation type and beam-limiting devices; this only groups it).
DeliveryClass delivery_class_of(DeliveryKind kind);

// ------------------------------------------------------------------ evaluation

enum class Origin { dicom_check, case_file, derived, none };
enum class Outcome { meets, does_not_meet, insufficient_documentation, not_applicable };

const char* to_string(Truth truth);    // "met", "not met", "unknown"
const char* to_string(Origin origin);  // "dicom_check", "case_file", "derived", "none"
// "MEETS", "DOES NOT MEET", "INSUFFICIENT DOCUMENTATION", "NOT APPLICABLE"
const char* to_string(Outcome outcome);

// The patient's age at the date of service and where it came from. The one rule, used by
// the evaluator and shown by the packet: the case file's age, else its birth date, else
// the DICOM PatientBirthDate (full years at the date of service).
enum class AgeSource { none, case_file_age, case_file_birth_date, dicom_birth_date };
const char* to_string(AgeSource source);  // "case file", "case-file birth date ...", ...
struct PatientAge {
  std::optional<double> years;
  AgeSource source = AgeSource::none;
  Origin origin = Origin::none;  // case_file, or derived (from the DICOM)
};
PatientAge patient_age(const CaseFile& case_file, const std::string& dicom_birth_date_yyyymmdd);

// Supporting evidence from a technical check, shown beside a criterion: never decides it.
struct SupportingEvidence {
  std::string check_id;  // e.g. SUPPORT_PTV_OAR_PROXIMITY
  Status status = Status::info;
  std::string message;  // the finding's message, or why absent
  std::vector<Evidence> evidence;
};

struct EvaluatedNode {
  std::string outline_id;
  std::string text;
  RuleKind kind = RuleKind::criterion;  // as the RuleNode's
  int at_least = 0;
  Truth result = Truth::unknown;
  std::string evidence;  // what the result rests on, one sentence
  Origin origin = Origin::none;
  std::string citation;  // policy id + outline id
  std::vector<SupportingEvidence> supporting;
  std::vector<EvaluatedNode> children;
};

// One line of the documentation checklist.
struct DocumentationItem {
  std::string outline_id;
  std::string text;
  Truth result = Truth::unknown;
  bool supplied = false;      // a matching document / passing check exists
  std::string document_date;  // date of the document used, or ""
  std::string window;         // e.g. "2025-09-01 .. 2026-03-01 (6 months)", or ""
  std::vector<std::string> required_signers;
  std::vector<std::string> signed_by;  // roles (names) that signed the document used
  std::vector<std::string> missing_signers;
  // False when the item is listed but cannot decide: optional in the policy, or not
  // required for the case's line of business (`not_required_reason` says which).
  bool required = true;
  std::string not_required_reason;
  EvaluatedNode node;  // the evaluated tests of this item
};

struct Determination {
  PolicyHeader policy;
  Outcome outcome = Outcome::insufficient_documentation;
  std::string summary;         // one sentence giving the reason
  bool manual_review = false;  // policy criteria not public: manual review required
  std::string date_of_service;
  std::string applicability;  // why this policy applies (or "selected explicitly")
  EvaluatedNode criteria;
  std::optional<EvaluatedNode> exclusions;
  std::vector<DocumentationItem> documentation;
  std::vector<EvaluatedNode> deciding;  // the leaves that decided the outcome (copies)
  std::vector<std::string> missing;     // what is missing to decide, one line each
  std::vector<std::string> code_notes;  // procedure-code notes for the date of service
  std::vector<std::string> notes;       // ruleset notes and evaluation remarks
  std::vector<std::string> warnings;    // e.g. a diagnosis in no site value set, service before approval
};

// Whether a ruleset applies to the case (line of business, payer, effective dates, Medicare
// Advantage vs original, jurisdiction, requested procedure); `reason` says why or why not.
struct Applicability {
  bool applies = false;
  std::string reason;
};
Applicability applicability(const PolicyHeader& policy, const CaseFile& case_file);

// The policies to evaluate for a case: `requested` holds policy ids (found in `dir`) or
// ruleset file paths, evaluated in that order whether or not they apply (the reason says
// so); empty `requested` = every ruleset in `dir` that applies to the case, by file name.
struct PolicySelection {
  std::vector<Ruleset> rulesets;
  std::vector<std::string> reasons;  // parallel to rulesets: why each is evaluated
  std::vector<Result> errors;        // rulesets that failed to load, unknown ids
  std::vector<std::string> skipped;  // automatic choice: "ID: why it does not apply"
};
PolicySelection select_policies(const std::vector<std::string>& requested, const CaseFile& case_file,
                                const std::filesystem::path& dir = default_ruleset_dir());

// Whether the policy covers this kind of plan (IMRT policies: not brachy, Gamma Knife, proton
// or electron-only plans). An unknown kind applies.
Applicability delivery_applicability(const PolicyHeader& policy, const DicomFacts& dicom);

// Evaluates one policy: first whether it applies (applicability() and
// delivery_applicability(); if not, Outcome::not_applicable with the reason in `summary`).
// Findings are looked up by Finding::id (check_ids.h); several
// findings with one id combine (any fail → not met, all pass → met, else unknown).
// `age` is the plan set's one derived age (patient_age(), computed by the review layer).
// Never throws; anything it cannot judge is `unknown` and listed in `missing`.
Determination evaluate_policy(const Ruleset& ruleset, const CaseFile& case_file,
                              const std::vector<Finding>& findings, const DicomFacts& dicom,
                              const PatientAge& age);

// Procedure-code notes for the date of service (codes deleted 2026-01-01, 77387
// professional-only, codes not listed by the policy). Sorted, deterministic.
std::vector<std::string> procedure_code_notes(const Ruleset& ruleset, const CaseFile& case_file);

}  // namespace rtreview
