// CurlHttpTransport against a real local HTTP server (cpp-httplib, port 0).
#include "adapters/ghl/http/curl_http_transport.h"

#include <atomic>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "adapters/ghl/core/retry.h"
#include "tests/support/status_matchers.h"
#include "tests/support/subprocess.h"

namespace ghl::http {
namespace {

using ::ghl::testing::StatusIs;
using ::testing::HasSubstr;

class CurlTransportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Get("/echo", [this](const httplib::Request& req, httplib::Response& res) {
      ports_.insert(req.remote_port);
      res.set_header("X-RateLimit-Remaining", "42");
      res.set_content(req.get_header_value("Version") + "|" + req.get_header_value("Authorization"),
                      "text/plain");
    });
    server_.Put("/body", [](const httplib::Request& req, httplib::Response& res) {
      res.status = 422;
      res.set_content(req.body, "application/json");
    });
    server_.Get("/slow", [](const httplib::Request&, httplib::Response& res) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      res.set_content("late", "text/plain");
    });
    server_.Get("/big", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(std::string(4 << 20, 'x'), "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  void TearDown() override {
    server_.stop();
    thread_.join();
  }
  std::string Url(const std::string& path) { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::set<int> ports_;
};

TEST_F(CurlTransportTest, SendsHeadersAndReusesTheConnection) {
  auto transport = MakeCurlHttpTransport();
  for (int i = 0; i < 5; ++i) {
    HttpRequest req;
    req.url = Url("/echo");
    req.headers = {{"Version", "2021-07-28"}, {"Authorization", "Bearer t"}};
    auto r = transport->Send(req);
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->status_code, 200);
    EXPECT_EQ(r->body, "2021-07-28|Bearer t");
    EXPECT_EQ(r->Header("x-ratelimit-remaining"), "42");  // names lower-cased
  }
  EXPECT_EQ(ports_.size(), 1u) << "five requests should share one keep-alive connection";
}

TEST_F(CurlTransportTest, HttpErrorsAreValuesWithTheBody) {
  auto transport = MakeCurlHttpTransport();
  HttpRequest req;
  req.method = "PUT";
  req.url = Url("/body");
  req.body = R"({"x":"ü"})";
  auto r = transport->Send(req);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->status_code, 422);
  EXPECT_EQ(r->body, R"({"x":"ü"})");
}

TEST_F(CurlTransportTest, TimeoutIsUnavailableAndMaySeeTheRequestSent) {
  auto transport = MakeCurlHttpTransport();
  HttpRequest req;
  req.url = Url("/slow");
  req.timeout = absl::Milliseconds(200);
  auto r = transport->Send(req);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("Timeout")));
  EXPECT_FALSE(IsNotSent(r.status()));
}

TEST_F(CurlTransportTest, OversizedBodyIsRefused) {
  CurlOptions o;
  o.max_response_bytes = 1 << 20;
  auto transport = MakeCurlHttpTransport(o);
  HttpRequest req;
  req.url = Url("/big");
  EXPECT_THAT(transport->Send(req), StatusIs(absl::StatusCode::kUnavailable, HasSubstr("larger than")));
}

TEST(CurlTransport, ConnectionRefusedIsMarkedNotSent) {
  auto transport = MakeCurlHttpTransport();
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(ghl::testing::FreePort()) + "/x";
  auto r = transport->Send(req);
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable, HasSubstr("transport error")));
  EXPECT_TRUE(IsNotSent(r.status()));
}

TEST_F(CurlTransportTest, ConcurrentSendsAreSafe) {
  auto transport = MakeCurlHttpTransport();
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        HttpRequest req;
        req.url = Url("/echo");
        auto r = transport->Send(req);
        if (r.ok() && r->status_code == 200) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 200);
}

TEST(UrlEncode, EncodesEverythingButUnreserved) {
  EXPECT_EQ(UrlEncode("aZ09-_.~"), "aZ09-_.~");
  EXPECT_EQ(UrlEncode("a b/?&=#%"), "a%20b%2F%3F%26%3D%23%25");
  EXPECT_EQ(UrlEncode("ë"), "%C3%AB");
}

}  // namespace
}  // namespace ghl::http
