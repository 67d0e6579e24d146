// NewGatewayChannel and GHL_API_KEY: the key goes out as
// `authorization: Bearer <key>`, a line end from a key file is dropped, and
// a key gRPC would abort on (control or non-ASCII bytes) is refused without
// a crash and without being echoed.
#include "client/channel.h"

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/synchronization/mutex.h"
#include "ghl/contacts/v1/contacts_service.grpc.pb.h"
#include "tests/unit/client/fake_contacts_service.h"

namespace ghl::client {
namespace {

namespace v1 = ::ghl::contacts::v1;

// Answers GetContact with NOT_FOUND and remembers the authorization it saw.
class AuthEcho final : public v1::ContactsService::Service {
 public:
  grpc::Status GetContact(grpc::ServerContext* context, const v1::GetContactRequest*,
                          v1::Contact*) override {
    absl::MutexLock lock(&mu_);
    auto it = context->client_metadata().find("authorization");
    seen_ = it == context->client_metadata().end() ? "(none)"
                                                   : std::string(it->second.data(), it->second.size());
    return grpc::Status(grpc::StatusCode::NOT_FOUND, "no such contact");
  }
  std::string seen() {
    absl::MutexLock lock(&mu_);
    return seen_;
  }

 private:
  absl::Mutex mu_;
  std::string seen_;
};

class ChannelTest : public ::testing::Test {
 protected:
  grpc::Status Get(const GatewayChannelOptions& options) {
    auto stub = v1::ContactsService::NewStub(NewGatewayChannel(server_.address(), options));
    grpc::ClientContext context;
    v1::GetContactRequest request;
    v1::Contact contact;
    return stub->GetContact(&context, request, &contact);
  }
  void TearDown() override { unsetenv("GHL_API_KEY"); }

  AuthEcho service_;
  testing::TestServer server_{&service_};
};

TEST_F(ChannelTest, SendsTheKeyAsBearer) {
  GatewayChannelOptions options;
  options.api_key = "ghlk_abc_def";
  EXPECT_EQ(Get(options).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(service_.seen(), "Bearer ghlk_abc_def");
}

TEST_F(ChannelTest, EnvironmentKeyLosesItsLineEnd) {
  setenv("GHL_API_KEY", "ghlk_abc_def\r\n", 1);
  EXPECT_EQ(GatewayChannelOptionsFromEnv().api_key, "ghlk_abc_def");
}

TEST_F(ChannelTest, AKeyWithControlOrNonAsciiBytesIsNotSentAndDoesNotCrash) {
  for (const std::string key : {std::string("ghlk_a\rb_c"), std::string("ghlk_\x01_c"),
                                std::string("ghlk_\xc3\xa9_c"), std::string("ghlk a")}) {
    GatewayChannelOptions options;
    options.api_key = key;
    ::testing::internal::CaptureStderr();
    const grpc::Status status = Get(options);
    const std::string err = ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
    EXPECT_EQ(service_.seen(), "(none)");
    EXPECT_THAT(err, ::testing::HasSubstr("it is not sent"));
    EXPECT_THAT(err, ::testing::Not(::testing::HasSubstr("ghlk_")));
  }
}

}  // namespace
}  // namespace ghl::client
