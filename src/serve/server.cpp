// The HTTP server: routes, token, limits, logging. Handlers parse the request, call api.h
// or pages.h and send the answer; every exception becomes a 500 and the server goes on.
#include <httplib.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <iostream>
#include <thread>

#include "rtreview/pdf_module.h"
#include "rtreview/ruleset_dir.h"
#include "rtreview/serve.h"
#include "serve/api.h"
#include "serve/pages.h"

namespace rtreview {
namespace fs = std::filesystem;
using namespace serve;

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

namespace {

void send(httplib::Response& res, const ApiResponse& a) {
  res.status = a.status;
  res.set_content(a.body, a.content_type.c_str());
  if (!a.download_name.empty())
    res.set_header("Content-Disposition", "attachment; filename=\"" + a.download_name + "\"");
}

void send_html(httplib::Response& res, const std::string& html) {
  res.set_content(html, "text/html; charset=utf-8");
  res.set_header(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
      "connect-src 'self'; form-action 'self'; frame-ancestors 'none'");
}

// The request's JSON: the body (application/json) or a form field "request" (plain HTML form).
bool request_json(const httplib::Request& req, nlohmann::json& out, ApiResponse& error) {
  std::string text = req.has_param("request") ? req.get_param_value("request") : req.body;
  try {
    out = nlohmann::json::parse(text);
    return true;
  } catch (const std::exception& e) {
    error = json_error(400, std::string("malformed JSON: ") + e.what());
    return false;
  }
}

bool constant_time_equal(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

// The token of a request: Authorization: Bearer, X-Rtreview-Token, ?token= or the cookie.
std::string token_of(const httplib::Request& req) {
  std::string auth = req.get_header_value("Authorization");
  if (auth.rfind("Bearer ", 0) == 0) return auth.substr(7);
  if (req.has_header("X-Rtreview-Token")) return req.get_header_value("X-Rtreview-Token");
  if (req.has_param("token")) return req.get_param_value("token");
  std::string cookie = req.get_header_value("Cookie");
  auto at = cookie.find("rtreview_token=");
  if (at == std::string::npos) return "";
  auto end = cookie.find(';', at);
  return cookie.substr(at + 15, end == std::string::npos ? std::string::npos : end - at - 15);
}

struct Server {
  ServeOptions options;
  ApiContext context;
  std::unique_ptr<UploadStore> store;
  std::string token;  // "" = none required
  httplib::Server http;
  std::ostream* log = nullptr;
  std::mutex log_mutex;

  std::shared_ptr<Upload> upload_of(const httplib::Request& req, httplib::Response& res) {
    auto up = store->find(req.matches[1]);
    if (!up) send(res, json_error(404, "no such upload (it may have expired)"));
    return up;
  }

  // POST on an upload with a JSON request body: 404 without the upload, 400 on a bad body,
  // else `answer`'s response.
  using UploadAnswer = std::function<ApiResponse(Upload&, const nlohmann::json&, const httplib::Request&)>;
  void post_on_upload(const std::string& pattern, UploadAnswer answer) {
    http.Post(pattern, [this, answer](const httplib::Request& req, httplib::Response& res) {
      auto up = upload_of(req, res);
      if (!up) return;
      nlohmann::json rq;
      ApiResponse err;
      if (!request_json(req, rq, err)) return send(res, err);
      send(res, answer(*up, rq, req));
    });
  }

  void routes_api();
  void routes_pages();
  void guards();
};

void Server::guards() {
  http.set_payload_max_length(options.max_upload_mb << 20);
  http.set_read_timeout(30, 0);
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "internal error";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = std::string("internal error: ") + e.what();
    } catch (...) {
    }
    send(res, json_error(500, what));
  });
  http.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    std::string what = res.status == 413   ? "the request is larger than the upload limit"
                       : res.status == 404 ? "not found"
                                           : "bad request";
    send(res, json_error(res.status, what));
  });
  http.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    // An oversized body is refused from its Content-Length, before it is read (httplib's own
    // limit would first read and discard it all).
    if (req.get_header_value<uint64_t>("Content-Length") > (options.max_upload_mb << 20)) {
      send(res, json_error(413, "the request is larger than the upload limit (" +
                                    std::to_string(options.max_upload_mb) + " MB)"));
      res.set_header("Connection", "close");
      return httplib::Server::HandlerResponse::Handled;
    }
    if (token.empty() || constant_time_equal(token_of(req), token)) {
      if (!token.empty() && req.has_param("token"))  // a page opened with ?token= keeps it as a cookie
        res.set_header("Set-Cookie", "rtreview_token=" + token + "; HttpOnly; SameSite=Strict; Path=/");
      return httplib::Server::HandlerResponse::Unhandled;
    }
    send(res, json_error(401,
                         "this server requires its token (printed at start): ?token=... or "
                         "'Authorization: Bearer ...'"));
    return httplib::Server::HandlerResponse::Handled;
  });
  // Method, path and status only: paths hold upload ids, never names or patient data.
  http.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
    std::lock_guard lock(log_mutex);
    *log << "rtreview serve: " << req.method << " " << req.path << " " << res.status << " " << res.body.size()
         << " bytes\n"
         << std::flush;
  });
}

void Server::routes_api() {
  const std::string id = "/api/uploads/([0-9a-f]{32})";
  http.Get("/api/health", [](const httplib::Request&, httplib::Response& res) {
    res.set_content("{\"status\": \"ok\"}\n", "application/json");
  });
  http.Post("/api/uploads", [this](const httplib::Request& req, httplib::Response& res) {
    store->sweep();
    std::vector<IncomingFile> files;
    for (const auto& [name, file] : req.files)
      if (name == "files" || name == "file") files.push_back({file.filename, file.content});
    if (files.empty() && !req.body.empty() && !req.is_multipart_form_data())
      files.push_back({"upload.zip", req.body});  // a bare zip body (curl --data-binary @x.zip)
    StoreResult stored = store->store(files);
    if (!stored.upload) return send(res, json_error(stored.http_status, stored.error));
    send(res, upload_listing(*stored.upload, context));
  });
  http.Get(id, [this](const httplib::Request& req, httplib::Response& res) {
    if (auto up = upload_of(req, res)) send(res, upload_listing(*up, context));
  });
  post_on_upload(id + "/form", [this](Upload& up, const nlohmann::json& rq, const httplib::Request&) {
    return form_schema(up, rq, context);
  });
  post_on_upload(id + "/evaluate", [this](Upload& up, const nlohmann::json& rq, const httplib::Request&) {
    return evaluate(up, rq, context);
  });
  post_on_upload(id + "/case.xml", [](Upload&, const nlohmann::json& rq, const httplib::Request&) {
    return case_file_download(rq);
  });
  post_on_upload(id + "/packet\\.(html|pdf|json)",
                 [this](Upload& up, const nlohmann::json& rq, const httplib::Request& req) {
                   return packet(up, rq, *parse_output_format(req.matches[2].str()), context);
                 });
  http.Get("/api/procedure-code", [this](const httplib::Request& req, httplib::Response& res) {
    send(res, procedure_code(req.get_param_value("code"), req.get_param_value("date"), context));
  });
  http.Get("/api/icd10", [this](const httplib::Request& req, httplib::Response& res) {
    send(res, icd10(req.get_param_value("code"), context));
  });
}

void Server::routes_pages() {
  http.Get("/", [](const httplib::Request&, httplib::Response& res) { send_html(res, page_upload()); });
  http.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
  http.Get("/static/app.js", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(app_js(), "text/javascript; charset=utf-8");
  });
  http.Get("/static/style.css", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(page_css(), "text/css; charset=utf-8");
  });
  http.Get("/uploads/([0-9a-f]{32})", [this](const httplib::Request& req, httplib::Response& res) {
    auto up = store->find(req.matches[1]);
    if (!up)
      return send_html(res, page_error("No such upload (it may have expired).")), void(res.status = 404);
    send_html(res, page_plan_sets(nlohmann::json::parse(upload_listing(*up, context).body), context));
  });
  http.Get("/uploads/([0-9a-f]{32})/form", [this](const httplib::Request& req, httplib::Response& res) {
    auto up = store->find(req.matches[1]);
    if (!up)
      return send_html(res, page_error("No such upload (it may have expired).")), void(res.status = 404);
    nlohmann::json listing = nlohmann::json::parse(upload_listing(*up, context).body);
    nlohmann::json rq = form_request(req.params, listing);
    ApiResponse schema = form_schema(*up, rq, context);
    if (schema.status != 200) {
      res.status = schema.status;
      return send_html(res, page_error(nlohmann::json::parse(schema.body).value("error", "error")));
    }
    send_html(res, page_form(up->id, rq, nlohmann::json::parse(schema.body)));
  });
}

}  // namespace

int run_server(const ServeOptions& options, std::ostream& out, std::ostream& log) {
  Server s;
  s.options = options;
  s.log = &log;
  s.context.ruleset_dir = options.ruleset_dir.empty() ? default_ruleset_dir() : options.ruleset_dir;
  s.context.disease_sites = load_value_sets(s.context.ruleset_dir / "disease-sites.xml").value_sets;
  s.context.tables = load_shared_tables(s.context.ruleset_dir).tables;
  for (const auto& r : load_ruleset_dir(s.context.ruleset_dir)) {
    if (!r.result) continue;
    const PolicyHeader& h = r.ruleset.header;
    for (const auto& l : h.lines_of_business) s.context.lines_of_business.insert(l);
    if (!h.payer_key.empty()) s.context.payers[h.payer_key] = h.payer;
  }
  bool temp_data = options.data_dir.empty();
  fs::path data = options.data_dir;
  if (temp_data) {
    std::string tmpl = (fs::temp_directory_path() / "rtreview-serve-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) {
      log << "rtreview serve: cannot create a temporary data folder\n";
      return 2;
    }
    data = tmpl;
  }
  std::error_code ec;
  fs::create_directories(data, ec);
  if (!ec && !fs::is_directory(data, ec) && !ec) ec = std::make_error_code(std::errc::not_a_directory);
  if (ec) {  // refused now, not at the first upload
    log << "rtreview serve: " << data.string() << ": error: cannot create the data folder: " << ec.message()
        << "\n";
    return 2;
  }
  fs::permissions(data, fs::perms::owner_all, ec);
  UploadLimits limits;
  limits.max_request_bytes = options.max_upload_mb << 20;
  limits.max_expanded_bytes = options.max_expanded_mb << 20;
  limits.max_files = options.max_files;
  limits.expiry = std::chrono::seconds(options.expire_seconds);
  s.store = std::make_unique<UploadStore>(data, limits);
  s.token = options.token.empty() && !is_loopback(options.bind) ? random_hex_id() : options.token;
  s.guards();
  s.routes_api();
  s.routes_pages();

  int port = options.port == 0 ? s.http.bind_to_any_port(options.bind) : options.port;
  if (port < 0 || (options.port != 0 && !s.http.bind_to_port(options.bind, options.port))) {
    log << "rtreview serve: cannot listen on " << options.bind << ":" << options.port << "\n";
    if (temp_data) fs::remove_all(data, ec);
    return 2;
  }
  out << "rtreview serve: listening on http://" << options.bind << ":" << port << "/\n";
  if (!s.token.empty())
    out << "rtreview serve: token " << s.token << " (open http://" << options.bind << ":" << port
        << "/?token=" << s.token << " or send 'Authorization: Bearer " << s.token << "')\n";
  out << "rtreview serve: uploads in " << data.string() << ", removed after " << options.expire_seconds
      << " s\n"
      << std::flush;

  // SIGINT / SIGTERM stop the server from a thread of their own (sigwait: nothing unsafe
  // runs in a signal handler); a sweeper removes expired uploads every second.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  preload_pdf_module();  // packets are offered as PDF: load its renderer now, off the request path
  std::thread signals([&] {
    int sig = 0;
    sigwait(&set, &sig);
    s.http.stop();
  });
  std::mutex m;
  std::condition_variable cv;
  bool stopping = false;
  std::thread sweeper([&] {
    std::unique_lock lock(m);
    while (!cv.wait_for(lock, std::chrono::seconds(1), [&] { return stopping; })) s.store->sweep();
  });
  s.http.listen_after_bind();
  {
    std::lock_guard lock(m);
    stopping = true;
  }
  cv.notify_all();
  sweeper.join();
  pthread_kill(signals.native_handle(), SIGTERM);  // wakes sigwait when the server stopped otherwise
  signals.join();
  if (temp_data) fs::remove_all(data, ec);
  out << "rtreview serve: stopped\n" << std::flush;
  return 0;
}

}  // namespace rtreview
