// Credentials and callers end to end (issue 4): ghl-sandbox's OAuth
// endpoints, the gateway's OAuth callback, refresh under concurrency, a 401
// in the middle of an export, a gateway killed right after a refresh,
// invalid_grant, company-minted location tokens, and caller API keys with
// scopes. SecretScan.NoSecretInAnyLogOrError runs all of the other tests in
// a child process, collects every line they print (statuses included) and
// the gateway subprocesses' logs, and fails if any secret they used appears.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/ghl/auth/api_key_store.h"
#include "adapters/ghl/auth/credential_token_source.h"
#include "adapters/ghl/auth/oauth_state_store.h"
#include "adapters/ghl/auth/sqlite_db.h"
#include "adapters/ghl/core/clock.h"
#include "adapters/ghl/core/metrics.h"
#include "adapters/ghl/http/curl_http_transport.h"
#include "client/channel.h"
#include "ghl/contacts/v1/contacts_service.grpc.pb.h"
#include "server/gateway.h"
#include "tests/support/subprocess.h"
#include "tools/ghl-sandbox/sandbox.h"
#include "tools/ghl-sandbox/sandbox_oauth.h"

namespace ghl::testing {
namespace {

using ::ghl::contacts::v1::Contact;
using ::ghl::contacts::v1::ContactsService;
using ::ghl::contacts::v1::CreateContactRequest;
using ::ghl::contacts::v1::GetContactRequest;
using ::ghl::contacts::v1::ListContactsRequest;
using ::ghl::contacts::v1::ListContactsResponse;
using ::testing::HasSubstr;

constexpr char kLocation[] = "ve9EPM428h8vShlRW1KT";
constexpr char kContact[] = "0p6lxrDAGRSULCw5xK9W";
constexpr char kClientId[] = "sandbox-app-client-id";
constexpr char kClientSecret[] = "client-secret-4e1d9a77c3";
constexpr char kStateKey[] = "7c1f0e2d3b4a59687766554433221100ffeeddccbbaa99887766554433221100";
constexpr char kOtherLocation[] = "OTHERLOCATION0000001";

// Where the secret scan collects: every secret a test used goes to
// secrets.txt, every gateway subprocess logs into this directory.
std::string ScanDir() {
  static const std::string dir = [] {
    std::string d = Env("GHL_SCAN_DIR");
    if (d.empty()) d = ::testing::TempDir() + "/oauth-scan-" + std::to_string(::getpid());
    std::filesystem::create_directories(d);
    return d;
  }();
  return dir;
}

void RecordSecret(const std::string& secret) {
  if (secret.empty()) return;
  std::ofstream out(ScanDir() + "/secrets.txt", std::ios::app);
  out << secret << "\n";
}

// Every status the suite sees is printed, so the scan sees it too.
void Note(const grpc::Status& s) {
  std::cerr << absl::StrCat("status: ", s.error_code(), " ", s.error_message(), "\n") << std::flush;
}

std::string Fresh(const std::string& name) {
  const std::string path = ScanDir() + "/" + name;
  for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path + suffix).c_str());
  return path;
}

absl::StatusOr<http::HttpResponse> HttpGet(const std::string& url) {
  static auto transport = http::MakeCurlHttpTransport();
  http::HttpRequest r;
  r.url = url;
  r.timeout = absl::Seconds(30);
  return transport->Send(r);
}

// One series of the process's metrics (what GET /metrics serves), 0 when
// absent.
double MetricSample(const std::string& series) {
  const std::string text = metrics::DefaultRegistry().Exposition();
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, series + " ")) {
      double v = 0;
      if (absl::SimpleAtod(line.substr(series.size() + 1), &v)) return v;
    }
  }
  return 0;
}

constexpr char kRefreshesOk[] = "ghl_gateway_token_refreshes_total{result=\"ok\"}";
constexpr char kList401[] =
    "ghl_gateway_upstream_requests_total{method=\"GET\",path=\"/contacts/\",status=\"401\"}";

class OAuthStack {
 public:
  explicit OAuthStack(int lifetime_s = 86399) {
    sandbox::SandboxOptions so;
    so.data_dir = SharedDir() + "/data/location-demo";
    so.oauth.client_id = kClientId;
    so.oauth.client_secret = kClientSecret;
    so.oauth.access_token_lifetime_s = lifetime_s;
    so.oauth.installed_locations = {kLocation};
    so.rate_limit_max = 100000;  // the burst limit is not under test here
    sandbox_ = std::make_unique<sandbox::Sandbox>(so);
    status_ = sandbox_->Start();
    RecordSecret(kClientSecret);
    RecordSecret(kStateKey);
  }
  ~OAuthStack() {
    StopGateway();
    for (const auto& s : sandbox_->service()->oauth().IssuedSecrets()) RecordSecret(s);
    sandbox_->Stop();
  }
  const absl::Status& status() const { return status_; }
  sandbox::Sandbox& sandbox() { return *sandbox_; }
  sandbox::SandboxOAuth& oauth() { return sandbox_->service()->oauth(); }
  std::string url() const { return absl::StrCat("http://127.0.0.1:", sandbox_->port()); }

  server::GatewayConfig Config(const std::string& state_file) {
    server::GatewayConfig gc;
    gc.listen = "127.0.0.1:0";
    gc.upstream = url();
    gc.workers = 4;
    gc.retry_initial_backoff = absl::Milliseconds(20);
    gc.retry_max_backoff = absl::Milliseconds(200);
    gc.auth.state_file = state_file;
    state_file_ = state_file;
    gc.auth.state_key = kStateKey;
    gc.auth.oauth_client_id = kClientId;
    gc.auth.oauth_client_secret = kClientSecret;
    http_port_ = FreePort();
    gc.auth.http_listen = absl::StrCat("127.0.0.1:", http_port_);
    gc.auth.oauth_redirect_uri = absl::StrCat("http://127.0.0.1:", http_port_, "/oauth/callback");
    gc.auth.oauth_app_id = "sandboxApp0000000001";
    return gc;
  }
  absl::Status StartGateway(const server::GatewayConfig& gc,
                            std::shared_ptr<auth::TokenSource> tokens = nullptr) {
    redirect_uri_ = gc.auth.oauth_redirect_uri;
    auto g = server::Gateway::Start(gc, nullptr, std::move(tokens));
    if (!g.ok()) return g.status();
    gateway_ = *std::move(g);
    address_ = gateway_->address();
    return absl::OkStatus();
  }
  void StopGateway() {
    if (gateway_) gateway_->Shutdown(absl::Seconds(2));
    gateway_.reset();
  }
  void SetStateFile(std::string path) { state_file_ = std::move(path); }
  const std::string& redirect_uri() const { return redirect_uri_; }
  void SetAddress(std::string address, std::string redirect_uri) {
    address_ = std::move(address);
    redirect_uri_ = std::move(redirect_uri);
  }

  // The browser's part: open the authorization URL (as `ghlctl auth` prints
  // it), follow GHL's redirect to the gateway's callback.
  std::string Authorize(bool company = false) {
    std::string link =
        absl::StrCat(url(), "/v2/oauth/chooselocation?response_type=code&redirect_uri=",
                     http::UrlEncode(redirect_uri_), "&client_id=", kClientId,
                     "&scope=contacts.readonly%20contacts.write&locationId=", kLocation);
    if (company) link += "&userType=Company";
    if (!state_file_.empty()) {
      // What `ghlctl auth --state FILE` does.
      auto db = auth::SqliteDb::Open(state_file_);
      if (!db.ok()) return std::string(db.status().message());
      auto state = auth::OAuthStateStore(*db).Issue(absl::Now());
      if (!state.ok()) return std::string(state.status().message());
      link += "&state=" + *state;
    }
    return Follow(link);
  }

  // GETs the authorization link, then the callback it redirects to.
  std::string Follow(const std::string& link, std::string* callback_url = nullptr) {
    auto redirect = HttpGet(link);
    if (!redirect.ok()) return std::string(redirect.status().message());
    if (redirect->status_code != 302)
      return absl::StrCat("authorize: HTTP ", redirect->status_code);
    if (callback_url != nullptr) *callback_url = redirect->Header("location");
    auto page = HttpGet(redirect->Header("location"));
    if (!page.ok()) return std::string(page.status().message());
    std::cerr << "callback page: " << page->status_code << " " << page->body;
    return page->body;
  }

  std::string CreateKey(const std::string& state_file, std::vector<std::string> locations,
                        std::vector<std::string> scopes) {
    auto db = auth::SqliteDb::Open(state_file);
    if (!db.ok()) return "";
    auth::SqliteApiKeyStore keys(*db);
    auto k = keys.Create("test", std::move(locations), std::move(scopes));
    if (!k.ok()) return "";
    RecordSecret(k->key);
    return k->key;
  }

  std::unique_ptr<ContactsService::Stub> Stub(const std::string& api_key) {
    client::GatewayChannelOptions options;
    options.api_key = api_key;
    return StubWith(options);
  }
  std::unique_ptr<ContactsService::Stub> StubWith(const client::GatewayChannelOptions& options) {
    return ContactsService::NewStub(client::NewGatewayChannel(address_, options));
  }

  grpc::Status GetContact(ContactsService::Stub& stub, const std::string& location = kLocation) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    GetContactRequest req;
    req.set_location_id(location);
    req.set_contact_id(kContact);
    Contact c;
    grpc::Status s = stub.GetContact(&ctx, req, &c);
    Note(s);
    return s;
  }

  uint64_t Refreshes() { return oauth().Stats().refreshes_ok; }
  uint64_t ApiRequests() { return sandbox_->Stats().requests; }

 private:
  std::unique_ptr<sandbox::Sandbox> sandbox_;
  absl::Status status_;
  std::unique_ptr<server::Gateway> gateway_;
  std::string address_;
  std::string redirect_uri_;
  std::string state_file_;
  int http_port_ = 0;
};

TEST(OAuthFlow, ConnectsALocationAndEnforcesCallerKeys) {
  OAuthStack stack;
  ASSERT_TRUE(stack.status().ok()) << stack.status();
  const std::string state = Fresh("flow.db");
  ASSERT_TRUE(stack.StartGateway(stack.Config(state)).ok());
  // CSRF: a callback without a state the gateway issued is refused before
  // any code exchange; so is a replayed one.
  stack.SetStateFile("");
  EXPECT_THAT(stack.Authorize(), HasSubstr("state is missing, unknown, used or expired"));
  EXPECT_EQ(stack.oauth().Stats().token_requests["authorization_code"], 0u);
  stack.SetStateFile(state);
  std::string callback;
  {
    auto db = auth::SqliteDb::Open(state);
    ASSERT_TRUE(db.ok());
    auto issued = auth::OAuthStateStore(*db).Issue(absl::Now());
    ASSERT_TRUE(issued.ok());
    EXPECT_THAT(
        stack.Follow(
            absl::StrCat(
                stack.url(), "/v2/oauth/chooselocation?response_type=code&client_id=", kClientId,
                "&redirect_uri=", http::UrlEncode(stack.redirect_uri()), "&state=", *issued),
            &callback),
        HasSubstr("connected"));
  }
  auto replay = HttpGet(callback);
  ASSERT_TRUE(replay.ok());
  EXPECT_EQ(replay->status_code, 403);
  EXPECT_THAT(stack.Authorize(), HasSubstr(absl::StrCat("location ", kLocation, " connected")));
  EXPECT_EQ(stack.oauth().Stats().token_requests["authorization_code"], 2u);

  const std::string full =
      stack.CreateKey(state, {kLocation}, {"contacts.readonly", "contacts.write"});
  const std::string read_only = stack.CreateKey(state, {kLocation}, {"contacts.readonly"});
  const std::string elsewhere = stack.CreateKey(state, {kOtherLocation}, {"contacts.readonly"});
  ASSERT_FALSE(full.empty());
  EXPECT_TRUE(stack.GetContact(*stack.Stub(full)).ok());
  EXPECT_TRUE(stack.GetContact(*stack.Stub(read_only)).ok());

  const uint64_t upstream_before = stack.ApiRequests();
  grpc::Status s = stack.GetContact(*stack.Stub(""));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(s.error_message(), HasSubstr("no gateway API key"));
  s = stack.GetContact(*stack.Stub("ghlk_0123456789abcdef_" + std::string(64, 'a')));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  s = stack.GetContact(*stack.Stub(elsewhere));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(s.error_message(), HasSubstr(absl::StrCat("does not hold location ", kLocation)));
  {
    grpc::ClientContext ctx;
    CreateContactRequest req;
    req.set_location_id(kLocation);
    req.mutable_contact()->set_first_name("Ada");
    Contact out;
    s = stack.Stub(read_only)->CreateContact(&ctx, req, &out);
    Note(s);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_THAT(s.error_message(), HasSubstr("lacks scope contacts.write"));
  }
  {
    // A refused stream too.
    grpc::ClientContext ctx;
    ListContactsRequest req;
    req.set_location_id(kLocation);
    auto reader = stack.Stub(elsewhere)->ListContacts(&ctx, req);
    ListContactsResponse page;
    EXPECT_FALSE(reader->Read(&page));
    s = reader->Finish();
    Note(s);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(stack.ApiRequests(), upstream_before) << "a refused call reached GHL";

  // Revocation takes effect on the next call.
  auto db = auth::SqliteDb::Open(state);
  ASSERT_TRUE(db.ok());
  auth::SqliteApiKeyStore keys(*db);
  ASSERT_TRUE(keys.Revoke(read_only.substr(5, 16)).ok());
  EXPECT_EQ(stack.GetContact(*stack.Stub(read_only)).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // The state file is 0600 and holds no token in plaintext.
  struct stat st;
  ASSERT_EQ(::stat(state.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(OAuthRefresh, FiftyConcurrentCallsWithAnExpiredTokenRefreshOnce) {
  OAuthStack stack;
  ASSERT_TRUE(stack.status().ok());
  // The gateway's own clock is fake: the token expires without waiting.
  FakeClock clock;
  auth::OAuthAppConfig app{kClientId, kClientSecret, stack.url()};
  auto client = std::make_shared<auth::OAuthClient>(http::MakeCurlHttpTransport(), app, clock);
  auto source = auth::CredentialTokenSource::Create(std::make_shared<auth::InMemoryTokenStore>(),
                                                    client, clock);
  ASSERT_TRUE(source.ok());
  server::GatewayConfig gc = stack.Config("");
  gc.auth.http_listen.clear();
  gc.workers = 8;
  ASSERT_TRUE(stack.StartGateway(gc, *source).ok());
  // Connect through the sandbox's authorization page and the client.
  auto redirect = HttpGet(
      absl::StrCat(stack.url(), "/v2/oauth/chooselocation?response_type=code&redirect_uri=",
                   "http%3A%2F%2Fapp.test%2Fcb&client_id=", kClientId, "&locationId=", kLocation));
  ASSERT_TRUE(redirect.ok());
  const std::string code =
      redirect->Header("location").substr(redirect->Header("location").find("code=") + 5);
  auto granted = client->ExchangeCode(code, "http://app.test/cb", "Location");
  ASSERT_TRUE(granted.ok()) << granted.status();
  auth::Credential c{kLocation,
                     auth::CredentialKind::kOAuth,
                     granted->access_token,
                     granted->refresh_token,
                     granted->expires_at,
                     granted->scope,
                     "Location"};
  ASSERT_TRUE((*source)->Put(c).ok());
  auto stub = stack.Stub("");
  ASSERT_TRUE(stack.GetContact(*stub).ok());
  EXPECT_EQ(stack.Refreshes(), 0u);

  clock.Advance(absl::Hours(25));  // past the 86399 s lifetime
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&] {
      if (stack.GetContact(*stub).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 50);
  EXPECT_EQ(stack.Refreshes(), 1u);
  EXPECT_EQ(stack.oauth().Stats().token_requests["refresh_token"], 1u);

  // And the upstream-401 path: GHL ends the token early; 50 callers, one refresh.
  stack.oauth().ExpireAccessTokens();
  threads.clear();
  ok = 0;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&] {
      if (stack.GetContact(*stub).ok()) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 50);
  EXPECT_EQ(stack.Refreshes(), 2u);
}

TEST(OAuthRefresh, A401MidExportRefreshesOnceAndLosesNothing) {
  OAuthStack stack;
  ASSERT_TRUE(stack.status().ok());
  const std::string state = Fresh("export.db");
  server::GatewayConfig gc = stack.Config(state);
  ASSERT_TRUE(stack.StartGateway(gc).ok());
  ASSERT_THAT(stack.Authorize(), HasSubstr("connected"));
  const std::string key = stack.CreateKey(state, {"*"}, {"contacts.readonly"});
  auto stub = stack.Stub(key);
  const double refreshes_before = MetricSample(kRefreshesOk);
  const double list_401_before = MetricSample(kList401);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  ListContactsRequest req;
  req.set_location_id(kLocation);
  auto reader = stub->ListContacts(&ctx, req);
  ListContactsResponse page;
  std::set<std::string> ids;
  int pages = 0;
  size_t contacts = 0;
  while (reader->Read(&page)) {
    for (const auto& c : page.contacts()) ids.insert(c.id());
    contacts += page.contacts_size();
    if (++pages == 10) stack.oauth().ExpireAccessTokens();
  }
  grpc::Status s = reader->Finish();
  Note(s);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(contacts, 5000u);
  EXPECT_EQ(ids.size(), 5000u);
  EXPECT_EQ(stack.Refreshes(), 1u);
  EXPECT_GE(stack.sandbox().Stats().by_status[401], 1u);
  // The metrics an operator scrapes say the same: one renewal, and as many
  // upstream 401s of GET /contacts/ as the sandbox answered.
  EXPECT_EQ(MetricSample(kRefreshesOk) - refreshes_before, 1);
  EXPECT_EQ(MetricSample(kList401) - list_401_before,
            static_cast<double>(stack.sandbox().Stats().by_status[401]));
}

TEST(OAuthRefresh, InvalidGrantMeansFailedPreconditionAndNoRetries) {
  OAuthStack stack;
  ASSERT_TRUE(stack.status().ok());
  FakeClock clock;
  auth::OAuthAppConfig app{kClientId, kClientSecret, stack.url()};
  auto client = std::make_shared<auth::OAuthClient>(http::MakeCurlHttpTransport(), app, clock);
  auto source = auth::CredentialTokenSource::Create(std::make_shared<auth::InMemoryTokenStore>(),
                                                    client, clock);
  ASSERT_TRUE(source.ok());
  server::GatewayConfig gc = stack.Config("");
  gc.auth.http_listen.clear();
  ASSERT_TRUE(stack.StartGateway(gc, *source).ok());
  // A refresh token GHL no longer accepts (e.g. used by another client).
  auth::Credential c{kLocation,           auth::CredentialKind::kOAuth,   "expired-access-1",
                     "retired-refresh-1", clock.Now() - absl::Seconds(1), "",
                     "Location"};
  RecordSecret(c.access_token);
  RecordSecret(c.refresh_token);
  ASSERT_TRUE((*source)->Put(c).ok());
  auto stub = stack.Stub("");
  for (int i = 0; i < 3; ++i) {
    grpc::Status s = stack.GetContact(*stub);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
    EXPECT_THAT(s.error_message(), HasSubstr("needs re-authorization"));
    EXPECT_THAT(s.error_message(), HasSubstr("invalid_grant"));
  }
  EXPECT_EQ(stack.oauth().Stats().invalid_grants, 1u);
  EXPECT_EQ(stack.ApiRequests(), 0u);
}

TEST(OAuthCompany, MintsLocationTokensForInstalledLocations) {
  OAuthStack stack;
  ASSERT_TRUE(stack.status().ok());
  const std::string state = Fresh("company.db");
  ASSERT_TRUE(stack.StartGateway(stack.Config(state)).ok());
  EXPECT_THAT(stack.Authorize(/*company=*/true),
              HasSubstr(absl::StrCat("connected with 1 location(s): ", kLocation)));
  EXPECT_EQ(stack.oauth().Stats().location_tokens, 1u);
  EXPECT_EQ(stack.oauth().Stats().installed_locations, 1u);
  const std::string key = stack.CreateKey(state, {kLocation}, {"contacts.readonly"});
  auto stub = stack.Stub(key);
  EXPECT_TRUE(stack.GetContact(*stub).ok());
  // Every token ends: the location token is minted again, after the company
  // token is refreshed (its 401 at /oauth/locationToken).
  stack.oauth().ExpireAccessTokens();
  EXPECT_TRUE(stack.GetContact(*stub).ok());
  EXPECT_EQ(stack.oauth().Stats().location_tokens, 2u);
  EXPECT_EQ(stack.Refreshes(), 1u);
}

// The gateway binary, killed with SIGKILL right after a refresh, restarts on
// its state file with the rotated refresh token.
class GatewayProcess {
 public:
  GatewayProcess(const std::string& upstream, const std::string& state, int http_port,
                 const std::string& tag) {
    port_file_ = ScanDir() + "/gateway-" + tag + ".port";
    std::remove(port_file_.c_str());
    const std::string secret_file = ScanDir() + "/client-secret";
    { std::ofstream(secret_file) << kClientSecret << "\n"; }
    std::vector<std::string> argv = {
        "env",
        absl::StrCat("GHL_STATE_KEY=", kStateKey),
        Env("GHL_BINARY_DIR") + "/server/ghl-gateway",
        "--listen",
        "127.0.0.1:0",
        "--port-file",
        port_file_,
        "--upstream",
        upstream,
        "--state",
        state,
        "--oauth-client-id",
        kClientId,
        "--oauth-client-secret-file",
        secret_file,
        "--http-listen",
        absl::StrCat("127.0.0.1:", http_port),
        "--oauth-redirect-uri",
        absl::StrCat("http://127.0.0.1:", http_port, "/oauth/callback")};
    process_ = std::make_unique<Subprocess>(argv, ScanDir() + "/gateway-" + tag + ".log");
  }
  int WaitPort() {
    for (int i = 0; i < 600; ++i) {
      int port = 0;
      std::string text = ReadFile(port_file_);
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(text), &port) && port > 0) return port;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return 0;
  }
  void Kill() { process_->Kill(); }
  std::string log() const { return process_->log(); }

 private:
  std::string port_file_;
  std::unique_ptr<Subprocess> process_;
};

TEST(OAuthRestart, KilledRightAfterARefreshTheStoredRefreshTokenIsTheNewOne) {
  OAuthStack stack;
  ASSERT_TRUE(stack.status().ok());
  const std::string state = Fresh("restart.db");
  const int http_port = FreePort();
  const std::string redirect = absl::StrCat("http://127.0.0.1:", http_port, "/oauth/callback");
  std::string key;
  stack.SetStateFile(state);
  {
    GatewayProcess gateway(stack.url(), state, http_port, "first");
    const int port = gateway.WaitPort();
    ASSERT_GT(port, 0) << gateway.log();
    ASSERT_TRUE(WaitForPort(http_port, std::chrono::seconds(30)));
    stack.SetAddress(absl::StrCat("127.0.0.1:", port), redirect);
    ASSERT_THAT(stack.Authorize(), HasSubstr("connected")) << gateway.log();
    key = stack.CreateKey(state, {kLocation}, {"contacts.readonly"});
    auto stub = stack.Stub(key);
    ASSERT_TRUE(stack.GetContact(*stub).ok());
    stack.oauth().ExpireAccessTokens();
    ASSERT_TRUE(stack.GetContact(*stub).ok());  // refreshed (rotated) here
    EXPECT_EQ(stack.Refreshes(), 1u);
    gateway.Kill();
  }
  GatewayProcess gateway(stack.url(), state, http_port, "second");
  const int port = gateway.WaitPort();
  ASSERT_GT(port, 0) << gateway.log();
  stack.SetAddress(absl::StrCat("127.0.0.1:", port), redirect);
  stack.oauth().ExpireAccessTokens();
  grpc::Status s = stack.GetContact(*stack.Stub(key));
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(stack.Refreshes(), 2u);
  EXPECT_EQ(stack.oauth().Stats().invalid_grants, 0u);
  gateway.Kill();
}

// A credentials file adds a location without the flow; a restart with the
// same file keeps the rotated refresh token of the state file.
TEST(OAuthImport, CredentialsFileAddsALocationOnceAndKeepsRotations) {
  OAuthStack stack;
  ASSERT_TRUE(stack.status().ok());
  auth::OAuthAppConfig app{kClientId, kClientSecret, stack.url()};
  auth::OAuthClient client(http::MakeCurlHttpTransport(), app, DefaultClock());
  auto redirect = HttpGet(absl::StrCat(stack.url(), "/v2/oauth/chooselocation?response_type=code&redirect_uri=",
                                       "http%3A%2F%2Fapp.test%2Fcb&client_id=", kClientId));
  ASSERT_TRUE(redirect.ok());
  const std::string location = redirect->Header("location");
  auto granted = client.ExchangeCode(location.substr(location.find("code=") + 5), "http://app.test/cb", "");
  ASSERT_TRUE(granted.ok()) << granted.status();
  const std::string file = ScanDir() + "/credentials.json";
  std::ofstream(file) << absl::StrCat(R"([{"locationId": ")", kLocation, R"(", "refreshToken": ")",
                                      granted->refresh_token, R"("}])");
  const std::string state = Fresh("import.db");
  server::GatewayConfig gc = stack.Config(state);
  gc.auth.http_listen.clear();
  gc.auth.credentials_file = file;
  ASSERT_TRUE(stack.StartGateway(gc).ok());
  const std::string key = stack.CreateKey(state, {kLocation}, {"contacts.readonly"});
  EXPECT_TRUE(stack.GetContact(*stack.Stub(key)).ok());  // refreshes: no access token in the file
  EXPECT_EQ(stack.Refreshes(), 1u);
  stack.StopGateway();
  ASSERT_TRUE(stack.StartGateway(gc).ok());  // the same file again
  stack.oauth().ExpireAccessTokens();
  EXPECT_TRUE(stack.GetContact(*stack.Stub(key)).ok());
  EXPECT_EQ(stack.Refreshes(), 2u);
  EXPECT_EQ(stack.oauth().Stats().invalid_grants, 0u);
  std::remove(file.c_str());
}

// TLS on the gRPC port with the standard certificate flags: a client that
// trusts the certificate gets through, a plaintext client does not.
TEST(GatewayTls, ServesTlsWithTheGivenCertificate) {
  OAuthStack stack;
  ASSERT_TRUE(stack.status().ok());
  const std::string dir = ScanDir();
  const std::string cert = dir + "/tls-cert.pem";
  const std::string key = dir + "/tls-key.pem";
  Subprocess openssl({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                      "-out", cert, "-days", "1", "-subj", "/CN=localhost", "-addext",
                      "subjectAltName=DNS:localhost,IP:127.0.0.1"},
                     dir + "/openssl.out");
  ASSERT_EQ(openssl.Wait(), 0) << ReadFile(dir + "/openssl.out");
  std::remove((dir + "/openssl.out").c_str());
  server::GatewayConfig gc = stack.Config("");
  gc.auth.http_listen.clear();
  gc.auth.tls_cert_file = cert;
  gc.auth.tls_key_file = key;
  gc.tokens = {{kLocation, "pit-tls-test-5d2e"}};
  RecordSecret("pit-tls-test-5d2e");
  // The sandbox knows no such PIT: a 401 is the proof the call got through TLS.
  ASSERT_TRUE(stack.StartGateway(gc).ok());
  auto server = stack.Stub("");  // address only
  client::GatewayChannelOptions tls;
  tls.tls = true;
  tls.tls_root_pem = ReadFile(cert);
  ContactsService::Stub* plain = server.get();
  grpc::Status s = stack.GetContact(*plain);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << "plaintext got through";
  auto secure = stack.StubWith(tls);
  s = stack.GetContact(*secure);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("GHL HTTP 401"));
  // --tls-client-ca: a client without a certificate it signed is refused.
  stack.StopGateway();
  gc.auth.tls_client_ca_file = cert;
  ASSERT_TRUE(stack.StartGateway(gc).ok());
  s = stack.GetContact(*stack.StubWith(tls));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  std::remove(key.c_str());
}

TEST(SecretScan, NoSecretInAnyLogOrError) {
  if (!Env("GHL_SCAN_CHILD").empty() || ::testing::GTEST_FLAG(filter) != "SecretScan.*") {
    GTEST_SKIP() << "runs the suite in a child; ctest runs it with --gtest_filter=SecretScan.*";
  }
  const std::string dir = ::testing::TempDir() + "/oauth-secret-scan-" + std::to_string(::getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  Subprocess suite(
      {"env", "GHL_SCAN_CHILD=1", absl::StrCat("GHL_SCAN_DIR=", dir),
       std::filesystem::read_symlink("/proc/self/exe").string(), "--gtest_filter=-SecretScan.*"},
      dir + "/suite.out");
  const int code = suite.Wait();
  const std::string suite_log = ReadFile(dir + "/suite.out");
  ASSERT_EQ(code, 0) << "the suite failed:\n" << suite_log;
  std::vector<std::string> secrets =
      absl::StrSplit(ReadFile(dir + "/secrets.txt"), '\n', absl::SkipEmpty());
  ASSERT_GE(secrets.size(), 10u) << "the suite recorded too few secrets to be a real check";
  size_t scanned_files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name == "secrets.txt" || name == "client-secret") continue;
    const std::string text = ReadFile(entry.path().string());
    ++scanned_files;
    for (size_t i = 0; i < secrets.size(); ++i) {
      // Never print the secret itself.
      EXPECT_FALSE(absl::StrContains(text, secrets[i]))
          << "secret #" << i << " appears in " << name;
    }
  }
  EXPECT_GE(scanned_files, 3u);
  EXPECT_THAT(suite_log, HasSubstr("status: "));
  EXPECT_THAT(suite_log, HasSubstr("[  PASSED  ]"));
}

}  // namespace
}  // namespace ghl::testing
