#include "policy/xml_support.h"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace rtreview::policy_detail {

XmlSource::XmlSource(std::string text, std::string label) : text_(std::move(text)), label_(std::move(label)) {
  for (std::size_t i = text_.find('\n'); i != std::string::npos; i = text_.find('\n', i + 1))
    newlines_.push_back(i);
}

bool XmlSource::parse(pugi::xml_document& doc, Result& result) const {
  pugi::xml_parse_result parsed = doc.load_buffer(text_.data(), text_.size(), pugi::parse_default);
  if (parsed) return true;
  result.ok = false;
  result.file = label_;
  result.line = line_at(parsed.offset);
  result.description = std::string("malformed XML: ") + lower(parsed.description());
  result.code = ErrorCode::malformed_xml;
  return false;
}

int XmlSource::line_at(std::ptrdiff_t offset) const {
  if (offset < 0) return 0;
  const auto end =
      static_cast<std::size_t>(std::min<std::ptrdiff_t>(offset, static_cast<std::ptrdiff_t>(text_.size())));
  // Newlines strictly before `end`, as counting them one by one would find.
  return 1 + static_cast<int>(std::lower_bound(newlines_.begin(), newlines_.end(), end) - newlines_.begin());
}

bool read_text_file(const std::filesystem::path& file, std::string& text, Result& result) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    result = {false, file.string(), 0, "cannot read file: not found or not a regular file",
              ErrorCode::cannot_read};
    return false;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (!in.good() && !in.eof()) {
    result = {false, file.string(), 0, "cannot read file", ErrorCode::cannot_read};
    return false;
  }
  text = buffer.str();
  return true;
}

Result fail(const XmlSource& src, pugi::xml_node node, std::string description, ErrorCode code) {
  return {false, src.label(), src.line_of(node), std::move(description), code};
}

bool check_attributes(const XmlSource& src, pugi::xml_node root,
                      const std::vector<std::pair<std::string, std::vector<std::string>>>& allowed,
                      Result& result) {
  for (auto el = root; el;) {
    if (el.type() == pugi::node_element) {
      auto it =
          std::find_if(allowed.begin(), allowed.end(), [&](const auto& a) { return a.first == el.name(); });
      if (it != allowed.end())
        for (auto a : el.attributes())
          if (std::find(it->second.begin(), it->second.end(), a.name()) == it->second.end()) {
            result = fail(src, el, "unknown attribute '" + std::string(a.name()) + "' on <" + el.name() + ">",
                          ErrorCode::unknown_attribute);
            return false;
          }
    }
    // Depth-first walk without recursion (deep nesting in a bad file cannot overflow the stack).
    if (el.first_child()) {
      el = el.first_child();
      continue;
    }
    while (el && el != root && !el.next_sibling()) el = el.parent();
    if (!el || el == root) break;
    el = el.next_sibling();
  }
  return true;
}

std::string trim(std::string_view s) {
  auto begin = s.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  auto end = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(begin, end - begin + 1));
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::vector<std::string> split_list(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&] {
    std::string t = trim(current);
    if (!t.empty()) out.push_back(t);
    current.clear();
  };
  for (char c : s) {
    if (c == sep || (sep == ' ' && (c == '\t' || c == '\n' || c == '\r')))
      flush();
    else
      current += c;
  }
  flush();
  return out;
}

bool is_iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  int year = std::stoi(std::string(s.substr(0, 4)));
  int month = (s[5] - '0') * 10 + (s[6] - '0');
  int day = (s[8] - '0') * 10 + (s[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= days_in_month(year, month);
}

int days_in_month(int year, int month) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return days[month - 1] + (month == 2 && leap ? 1 : 0);
}

bool is_icd10cm_shape(std::string_view code) {
  std::string c(trim(code));
  auto alnum = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; };
  if (c.size() < 3 || !std::isalpha(static_cast<unsigned char>(c[0])) ||
      !std::isdigit(static_cast<unsigned char>(c[1])) || !alnum(c[2]))
    return false;
  std::string rest = c.substr(3);
  if (!rest.empty() && rest[0] == '.')
    rest = rest.substr(1);
  else if (c.find('.') != std::string::npos)
    return false;
  return rest.size() <= 4 && std::all_of(rest.begin(), rest.end(), alnum);
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::vector<std::string> nearest(const std::string& wanted, const std::vector<std::string>& candidates,
                                 std::size_t n) {
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& c : candidates) scored.emplace_back(edit_distance(lower(wanted), lower(c)), c);
  std::sort(scored.begin(), scored.end());
  scored.erase(std::unique(scored.begin(), scored.end()), scored.end());
  std::vector<std::string> out;
  for (const auto& [d, c] : scored) {
    if (out.size() == n) break;
    out.push_back(c);
  }
  return out;
}

std::string normalize_code(std::string_view code) {
  std::string out;
  for (char c : code) {
    if (c == '.' || std::isspace(static_cast<unsigned char>(c))) continue;
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace rtreview::policy_detail
