// Patient identity: the request (case file) against the DICOM plan set.
#include <algorithm>
#include <cctype>

#include "policy/xml_support.h"
#include "rtreview/check_ids.h"
#include "rtreview/policy.h"

namespace rtreview {

using namespace policy_detail;

namespace {

// "Doe^Jane^^^" and "DOE, JANE" compare equal: letters and digits only, upper case, with the
// DICOM component separator and commas as word breaks, words sorted.
std::string name_key(std::string_view name) {
  std::vector<std::string> words;
  std::string cur;
  auto flush = [&] {
    if (!cur.empty()) words.push_back(cur);
    cur.clear();
  };
  for (char ch : name) {
    if (std::isalnum(static_cast<unsigned char>(ch)))
      cur += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    else
      flush();
  }
  flush();
  std::sort(words.begin(), words.end());
  return join_nonempty(words, " ");
}

std::string digits_of(std::string_view s) {
  std::string out;
  for (char ch : s)
    if (std::isdigit(static_cast<unsigned char>(ch))) out += ch;
  return out;
}

Finding identity_finding(const std::string& field, const std::string& request, const std::string& dicom,
                         bool same) {
  Finding f;
  f.id = std::string(check_id::patient_identity);
  f.subject = "patient " + field;
  f.evidence = {{"request (case file)", request.empty() ? "(not given)" : request},
                {"DICOM", dicom.empty() ? "(not given)" : dicom}};
  f.rule = "the request's patient " + field + " equals the DICOM's";
  if (request.empty() || dicom.empty()) {
    f.status = Status::not_evaluable;
    f.severity = Severity::warning;
    f.message = "patient " + field +
                " cannot be compared: " + (request.empty() ? "not in the case file" : "not in the DICOM");
  } else if (same) {
    f.status = Status::pass;
    f.severity = Severity::info;
    f.message = "patient " + field + " matches the DICOM";
  } else {
    f.status = Status::fail;
    f.severity = Severity::error;
    f.message = "patient " + field + " differs: request '" + request + "', DICOM '" + dicom +
                "' (is this the right patient's plan?)";
  }
  return f;
}

}  // namespace

std::vector<Finding> compare_identity(const CaseFile& c, std::string_view dicom_name,
                                      std::string_view dicom_id, std::string_view dicom_birth_date) {
  std::vector<Finding> out;
  std::string name(trim(dicom_name)), id(trim(dicom_id)), birth(trim(dicom_birth_date));
  out.push_back(identity_finding("name", c.patient_name, name, name_key(c.patient_name) == name_key(name)));
  // The DICOM PatientID is the hospital's; the request may carry it or only the member ID.
  std::string request_id = c.patient_id.empty() ? "" : c.patient_id;
  out.push_back(identity_finding("ID", request_id, id, trim(request_id) == id));
  out.push_back(
      identity_finding("birth date", c.birth_date, birth, digits_of(c.birth_date) == digits_of(birth)));
  // Mismatches first: they are shown before anything else in the packet.
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    return a.status == Status::fail && b.status != Status::fail;
  });
  return out;
}

}  // namespace rtreview
