#include "serve/api.h"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "rtreview/packet.h"
#include "rtreview/render.h"
#include "rtreview/review.h"
#include "serve/case_json.h"

namespace rtreview::serve {
namespace fs = std::filesystem;
using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

namespace {

ApiResponse json_ok(const ojson& body) {
  return ApiResponse{200, body.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n",
                     "application/json", ""};
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) return;
  for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// The case's answers as the case-file reader sees them: JSON → CaseFile → XML → reader.
struct CheckedCase {
  CaseFile case_file;
  std::string xml;
  std::vector<std::string> warnings;
  std::string error;
};

CheckedCase checked_case(const json& request) {
  CheckedCase out;
  if (!request.is_object() || !request.contains("case")) {
    out.error = "the request must be a JSON object {\"plan_set\": \"...\", \"case\": {...}}";
    return out;
  }
  CaseFromJson from = case_from_json(request.at("case"));
  if (!from.error.empty()) {
    out.error = "case: " + from.error;
    return out;
  }
  out.xml = case_file_xml(from.case_file);
  CaseFileLoad load = parse_case_file(out.xml, "case.xml");
  if (!load.result) out.error = load.result.message();
  out.case_file = std::move(load.case_file);
  for (const auto& w : load.warnings) out.warnings.push_back(w.message());
  return out;
}

std::string plan_set_of(const json& request) {
  if (request.is_object() && request.contains("plan_set") && request.at("plan_set").is_string())
    return request.at("plan_set").get<std::string>();
  return "";
}

// The review index of `id` ("" = the only set), or -1.
int find_review(const ReviewRun& run, const std::string& id) {
  if (id.empty()) return run.reviews.size() == 1 ? 0 : -1;
  for (std::size_t i = 0; i < run.reviews.size(); ++i)
    if (run.reviews[i].plan_set.id == id) return static_cast<int>(i);
  return -1;
}

// review_inputs over the upload with the case written as a file (what the CLI reads).
struct CaseRun {
  ReviewRun run;
  int index = -1;
  CheckedCase checked;
  std::optional<ApiResponse> error;
};

CaseRun run_with_case(Upload& upload, const json& request, const ApiContext& context) {
  CaseRun out;
  out.checked = checked_case(request);
  if (!out.checked.error.empty()) {
    out.error = json_error(400, out.checked.error);
    return out;
  }
  // A folder per request and the name case.xml: evidence cites "case.xml:LINE" as the CLI
  // does for a downloaded case.xml, so both give the same bytes.
  fs::path case_dir = upload.work / random_hex_id(), case_path = case_dir / "case.xml";
  std::error_code ec;
  fs::create_directories(case_dir, ec);
  if (!write_file_atomically(case_path, out.checked.xml)) {
    out.error = json_error(500, "cannot write the case file on the server");
    return out;
  }
  ReviewRequest rq;
  rq.paths = {upload.files};
  rq.display_root = upload.files;  // packets name the uploaded files, not the server's folder
  rq.case_file = case_path;
  rq.ruleset_dir = context.ruleset_dir;
  out.run = review_inputs(rq);
  fs::remove_all(case_dir, ec);
  if (out.run.case_file) out.run.case_file->file = "case.xml";  // no server path in outputs
  if (!out.run.ok()) {
    std::string message;
    for (const auto& e : out.run.errors) message += (message.empty() ? "" : "\n") + e.message();
    replace_all(message, case_path.string(), "case.xml");
    out.error = json_error(400, message);
    return out;
  }
  for (auto& w : out.run.warnings) replace_all(w, case_path.string(), "case.xml");
  out.index = find_review(out.run, plan_set_of(request));
  if (out.index < 0) out.error = json_error(404, "no plan set '" + plan_set_of(request) + "' in this upload");
  return out;
}

ojson finding_list(const std::vector<Finding>& findings) {
  ojson a = ojson::array();
  for (const auto& f : findings) a.push_back(to_json(f));
  return a;
}

ojson plan_set_json(const ReviewPacket& p, const PlanSetReview& review) {
  int failing = 0;
  for (const auto& f : review.findings) failing += fail_level(f) != FailLevel::none;
  return ojson{{"id", p.plan_set_id},
               {"label", review.facts.label},
               {"complete", review.plan_set.complete()},
               {"patient",
                {{"name", p.patient.name},
                 {"id", p.patient.id},
                 {"birth_date", p.patient.birth_date},
                 {"sex", p.patient.sex}}},
               {"plan",
                {{"label", p.plan.label},
                 {"name", p.plan.name},
                 {"date", p.plan.date},
                 {"approval_status", p.plan.approval_status},
                 {"kind", p.plan.kind},
                 {"technique", p.plan.technique},
                 {"technique_is_imrt", p.plan.technique_is_imrt}}},
               {"facts", facts_to_json(review.facts)},
               {"failing_findings", failing},
               {"findings", finding_list(review.findings)}};
}

// The per-code flag of the form: what the code-change table says on the date of service.
ojson code_status_json(const std::string& code, const std::string& date_of_service,
                       const ApiContext& context) {
  CodeStatus st = procedure_code_status(context.tables, code, date_of_service);
  std::string message;
  if (st.kind == CodeStatusKind::deleted)
    message = code + " was deleted for dates of service from " + st.effective + ": " + st.replacement;
  else if (st.kind == CodeStatusKind::professional_only)
    message = code + " is professional-component only for dates of service from " + st.effective;
  return ojson{{"code", code},
               {"date_of_service", date_of_service},
               {"status", to_string(st.kind)},
               {"effective", st.effective},
               {"replacement", st.replacement},
               {"source", st.source},
               {"message", message}};
}

ojson case_code_status(const CaseFile& c, const ApiContext& context) {
  ojson a = ojson::array();
  for (const auto& p : c.procedures) a.push_back(code_status_json(p.code, c.date_of_service, context));
  return a;
}

const char* list_kind(ListKind k) {
  return k == ListKind::open ? "open" : k == ListKind::examples ? "examples" : "closed";
}

ojson supporting_json(const RuleNode& n, const std::vector<Finding>& findings) {
  ojson a = ojson::array();
  for (const auto& id : n.support_check_ids)
    for (const auto& f : findings)
      if (f.id == id)
        a.push_back({{"check_id", f.id}, {"status", to_string(f.status)}, {"message", f.message}});
  return a;
}

ojson node_json(const RuleNode& n, const std::string& policy_id, const std::vector<Finding>& findings) {
  ojson o{{"outline_id", n.outline_id}, {"text", n.text}, {"kind", to_string(n.kind)}};
  if (n.kind == RuleKind::any) o["list"] = list_kind(n.list);
  if (n.kind == RuleKind::at_least) o["at_least"] = n.at_least;
  if (n.kind == RuleKind::asserted) o["assert"] = policy_id + ":" + n.asserted_id;
  if (n.kind == RuleKind::check) o["check_id"] = n.check_id;
  if (n.kind == RuleKind::fact) o["fact"] = n.fact;
  if (n.kind == RuleKind::diagnosis) o["value_set"] = n.value_set;
  if (!n.citation.empty()) o["citation"] = n.citation;
  if (ojson s = supporting_json(n, findings); !s.empty()) o["supporting"] = s;
  if (!n.children.empty()) {
    ojson c = ojson::array();
    for (const auto& child : n.children) c.push_back(node_json(child, policy_id, findings));
    o["children"] = c;
  }
  return o;
}

void collect_documents(const RuleNode& n, ojson& out) {
  if (n.kind == RuleKind::document)
    out.push_back(
        {{"kinds", n.document_kinds},
         {"window_months", n.window_months},
         {"window_from", n.window_from == WindowFrom::request_date ? "request_date" : "date_of_service"},
         {"signer_roles", n.signer_roles},
         {"signature_dated", n.signature_dated}});
  for (const auto& c : n.children) collect_documents(c, out);
}

ojson policy_form(const Ruleset& r, const std::string& reason, const CaseFile& c,
                  const std::vector<Finding>& findings) {
  ojson docs = ojson::array(), codes = ojson::array();
  for (const auto& d : r.documentation) {
    ojson tests = ojson::array();
    collect_documents(d.node, tests);
    docs.push_back({{"outline_id", d.node.outline_id},
                    {"text", d.node.text},
                    {"required", d.required},
                    {"only_lines", d.only_lines},
                    {"except_lines", d.except_lines},
                    {"documents", tests}});
  }
  for (const auto& p : r.procedure_codes) codes.push_back({{"code", p.code}, {"description", p.description}});
  return ojson{{"policy",
                {{"id", r.header.id},
                 {"title", r.header.title},
                 {"payer", r.header.payer},
                 {"revision_date", r.header.revision_date},
                 {"manual_review", r.header.manual_review}}},
               {"applies", reason},
               {"criteria", node_json(r.criteria, r.header.id, findings)},
               {"exclusions", r.exclusions ? node_json(*r.exclusions, r.header.id, findings) : ojson()},
               {"documentation", docs},
               {"procedure_codes", codes},
               {"code_notes", procedure_code_notes(r, c)}};
}

// The uploaded file's name as stored without its "<n>_" prefix (no server folder shown).
std::string stored_name(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  auto at = name.find('_');
  return at == std::string::npos ? name : name.substr(at + 1);
}

// The checks-depth run of an upload (no case): what the listing and the form show.
ReviewRun checks_run(const Upload& upload, const ApiContext& context) {
  ReviewRequest rq;
  rq.paths = {upload.files};
  rq.display_root = upload.files;  // packets name the uploaded files, not the server's folder
  rq.ruleset_dir = context.ruleset_dir;
  rq.depth = ReviewDepth::checks;
  return review_inputs(rq);
}

}  // namespace

ApiResponse json_error(int status, const std::string& message) {
  return ApiResponse{status,
                     ojson{{"error", message}}.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n",
                     "application/json", ""};
}

ApiResponse upload_listing(Upload& upload, const ApiContext& context) {
  std::lock_guard lock(upload.mutex);
  if (!upload.listing.empty())
    return ApiResponse{upload.listing.find("\"error\"") == std::string::npos ? 200 : 422, upload.listing,
                       "application/json", ""};
  ReviewRun run = checks_run(upload, context);
  ojson sets = ojson::array(), unreadable = ojson::array();
  for (std::size_t i = 0; i < run.reviews.size(); ++i)
    sets.push_back(plan_set_json(run_packet(run, i), run.reviews[i]));
  for (const auto& u : run.inventory.unreadable)
    unreadable.push_back({{"file", stored_name(u.path)}, {"reason", u.reason}});
  ojson body{{"upload", upload.id}, {"plan_sets", sets}, {"unreadable", unreadable}, {"case", ojson()}};
  if (!upload.case_xml.empty()) {
    CaseFileLoad load = parse_case_file(upload.case_xml, "case.xml");
    if (load.result)
      body["case"] = case_to_json(load.case_file);
    else
      body["case_error"] = load.result.message();
  }
  if (sets.empty()) {  // nothing to review: say why, naming the files (not their content)
    std::string why = "no readable RT plan set in the upload";
    for (const auto& u : unreadable)
      why += "; " + u["file"].get<std::string>() + ": " + u["reason"].get<std::string>();
    body["error"] = why;
  }
  upload.listing = body.dump(2, ' ', false, ojson::error_handler_t::replace) + "\n";
  return ApiResponse{sets.empty() ? 422 : 200, upload.listing, "application/json", ""};
}

ApiResponse form_schema(Upload& upload, const json& request, const ApiContext& context) {
  CheckedCase checked = checked_case(request);
  if (!checked.error.empty()) return json_error(400, checked.error);
  std::lock_guard lock(upload.mutex);
  ReviewRun run = checks_run(upload, context);
  int index = find_review(run, plan_set_of(request));
  if (index < 0) return json_error(404, "no plan set '" + plan_set_of(request) + "' in this upload");
  const PlanSetReview& review = run.reviews[static_cast<std::size_t>(index)];
  PolicySelection selection = select_policies({}, checked.case_file, context.ruleset_dir);
  ojson policies = ojson::array(), errors = ojson::array();
  for (std::size_t i = 0; i < selection.rulesets.size(); ++i) {
    Applicability d = delivery_applicability(selection.rulesets[i].header, review.facts.dicom);
    ojson form = policy_form(selection.rulesets[i], selection.reasons[i], checked.case_file, review.findings);
    form["delivery_applies"] = d.applies;
    form["delivery_reason"] = d.reason;
    policies.push_back(form);
  }
  for (const auto& e : selection.errors) errors.push_back(e.message());
  return json_ok(ojson{{"plan_set", plan_set_json(run_packet(run, static_cast<std::size_t>(index)), review)},
                       {"policies", policies},
                       {"not_applicable", selection.skipped},
                       {"errors", errors},
                       {"warnings", checked.warnings},
                       {"procedure_codes", case_code_status(checked.case_file, context)},
                       {"document_kinds", known_document_kinds()},
                       {"case_facts", known_case_facts()}});
}

ApiResponse evaluate(Upload& upload, const json& request, const ApiContext& context) {
  std::lock_guard lock(upload.mutex);
  CaseRun cr = run_with_case(upload, request, context);
  if (cr.error) return *cr.error;
  const PlanSetReview& review = cr.run.reviews[static_cast<std::size_t>(cr.index)];
  ojson dets = ojson::array();
  for (const auto& d : review.determinations) dets.push_back(determination_to_json(d));
  return json_ok(ojson{{"plan_set_id", review.plan_set.id},
                       {"plan_label", review.facts.label},
                       {"facts", facts_to_json(review.facts)},
                       {"overall", overall_outcome(review.determinations)},
                       {"determinations", dets},
                       {"not_applicable", cr.run.selection.skipped},
                       {"warnings", cr.run.warnings},
                       {"procedure_codes", case_code_status(cr.checked.case_file, context)},
                       {"case_xml", cr.checked.xml}});
}

ApiResponse case_file_download(const json& request) {
  CheckedCase checked = checked_case(request);
  if (!checked.error.empty()) return json_error(400, checked.error);
  return ApiResponse{200, checked.xml, "application/xml; charset=utf-8", "case.xml"};
}

ApiResponse packet(Upload& upload, const json& request, OutputFormat format, const ApiContext& context) {
  std::lock_guard lock(upload.mutex);
  CaseRun cr = run_with_case(upload, request, context);
  if (cr.error) return *cr.error;
  std::string bytes;
  const Result rendered =
      render_packet(run_packet(cr.run, static_cast<std::size_t>(cr.index)), format, PaperSize::a4, bytes);
  if (!rendered) return json_error(500, "the packet could not be rendered: " + rendered.description);
  const char* type = format == OutputFormat::html  ? "text/html; charset=utf-8"
                     : format == OutputFormat::pdf ? "application/pdf"
                                                   : "application/json";
  return ApiResponse{200, bytes, type, std::string("packet.") + to_string(format)};
}

ApiResponse procedure_code(const std::string& code, const std::string& date_of_service,
                           const ApiContext& context) {
  const bool date_shape = date_of_service.size() == 10 &&
                          std::all_of(date_of_service.begin(), date_of_service.end(), [](char ch) {
                            return ch == '-' || std::isdigit(static_cast<unsigned char>(ch));
                          });
  if (!date_shape || date_of_service[4] != '-' || date_of_service[7] != '-')
    return json_error(400, "bad date of service '" + date_of_service + "' (expected YYYY-MM-DD)");
  std::string shown;
  for (char ch : code)
    if (!std::isspace(static_cast<unsigned char>(ch)))
      shown += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return json_ok(code_status_json(shown, date_of_service, context));
}

ApiResponse icd10(const std::string& code, const ApiContext& context) {
  CaseFile probe;
  probe.date_of_service = "2026-01-01";
  probe.line_of_business = "medicare";
  probe.diagnoses = {code};
  CaseFileLoad load = parse_case_file(case_file_xml(probe), "diagnosis");
  ojson sites = ojson::array();
  if (load.result)
    for (const auto& vs : context.disease_sites)
      if (vs.contains(code)) sites.push_back({{"id", vs.id}, {"label", vs.label}});
  std::string message = load.result ? "" : load.result.description;
  if (load.result && !load.warnings.empty()) message = load.warnings.front().description;
  return json_ok(ojson{
      {"code", code}, {"valid", static_cast<bool>(load.result)}, {"message", message}, {"sites", sites}});
}

}  // namespace rtreview::serve
