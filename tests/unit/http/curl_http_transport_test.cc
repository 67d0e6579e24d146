// CurlHttpTransport against a real local HTTP server (cpp-httplib, port 0).
#include "adapters/ghl/http/curl_http_transport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

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
  EXPECT_THAT(transport->Send(req), StatusIs(absl::StatusCode::kInternal, HasSubstr("larger than")));
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


// A keep-alive HTTP/1.1 server on raw sockets that answers GETs and, like a
// GHL whose connection dies mid-write, reads every other request whole and
// then closes the connection without a word. It counts what arrives.
class DroppingServer {
 public:
  DroppingServer() {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    listen(listen_fd_, 16);
    socklen_t len = sizeof addr;
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~DroppingServer() {
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    thread_.join();
  }
  int port() const { return port_; }
  int writes_received() const { return writes_.load(); }
  int connections() const { return connections_.load(); }

 private:
  void Serve() {
    while (true) {
      const int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++connections_;
      std::thread([this, fd] { ServeConnection(fd); }).detach();
    }
  }
  void ServeConnection(int fd) {
    std::string buffer;
    char chunk[4096];
    while (true) {
      size_t head_end;
      while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) return (void)close(fd);
        buffer.append(chunk, static_cast<size_t>(n));
      }
      const std::string head = buffer.substr(0, head_end);
      size_t length = 0;
      if (auto p = head.find("Content-Length: "); p != std::string::npos) {
        length = std::stoul(head.substr(p + 16));
      }
      while (buffer.size() < head_end + 4 + length) {
        const ssize_t n = read(fd, chunk, sizeof chunk);
        if (n <= 0) return (void)close(fd);
        buffer.append(chunk, static_cast<size_t>(n));
      }
      buffer.erase(0, head_end + 4 + length);
      if (head.rfind("GET ", 0) != 0) {
        ++writes_;
        close(fd);  // the write arrived; the answer never will
        return;
      }
      const std::string ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
      if (write(fd, ok.data(), ok.size()) != static_cast<ssize_t>(ok.size())) return (void)close(fd);
    }
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> writes_{0};
  std::atomic<int> connections_{0};
};

TEST(CurlTransport, AWriteOnADyingReusedConnectionIsSentOnce) {
  DroppingServer server;
  auto transport = MakeCurlHttpTransport();
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  HttpRequest get;
  get.url = base + "/contacts/abc";
  ASSERT_TRUE(transport->Send(get).ok());  // leaves a keep-alive connection in the pool
  for (const char* method : {"POST", "PUT", "DELETE"}) {
    const int before = server.writes_received();
    HttpRequest request;
    request.method = method;
    request.url = base + "/contacts/";
    request.body = R"({"firstName":"Ada"})";
    auto r = transport->Send(request);
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kUnavailable, ::testing::_)) << method;
    EXPECT_FALSE(IsNotSent(r.status())) << method << ": the write may have been applied";
    EXPECT_EQ(server.writes_received() - before, 1) << method << " reached the server twice";
    ASSERT_TRUE(transport->Send(get).ok());  // reuse again before the next write
  }
}

TEST(CurlTransport, AnIdempotentPostMayReuseTheConnection) {
  DroppingServer server;
  auto transport = MakeCurlHttpTransport();
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  HttpRequest get;
  get.url = base + "/x";
  ASSERT_TRUE(transport->Send(get).ok());
  ASSERT_TRUE(transport->Send(get).ok());
  EXPECT_EQ(server.connections(), 1);
  HttpRequest search;
  search.method = "POST";
  search.idempotent = true;  // e.g. POST /contacts/search
  search.url = base + "/contacts/search";
  search.body = "{}";
  EXPECT_FALSE(transport->Send(search).ok());
  // It went over the kept connection, and libcurl, finding it dead, sent it
  // again on a new one: harmless for a read, and what writes must not get.
  EXPECT_EQ(server.writes_received(), 2);
  EXPECT_EQ(server.connections(), 2);
}

}  // namespace
}  // namespace ghl::http
