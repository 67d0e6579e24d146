// RequestIdHttpTransport: the current call's id on every request, counted,
// with GHL's trace id of failed answers; nothing added without a call.
#include "adapters/ghl/http/request_context.h"

#include <future>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/fake_http_transport.h"

namespace ghl::http {
namespace {

using ::ghl::testing::FakeHttpTransport;
using ::testing::Contains;
using ::testing::Not;
using ::testing::Pair;

TEST(RequestIdHttpTransport, TagsAndCountsTheRequestsOfTheCurrentCall) {
  auto fake = std::make_shared<FakeHttpTransport>();
  auto transport = MakeRequestIdHttpTransport(fake);
  fake->AddResponse(200, "{}");
  fake->AddResponse(404, "{}", {{"x-request-id", "ghl-trace-1"}});
  fake->AddResponse(200, "{}", {{"x-request-id", "ghl-trace-ok"}});
  fake->AddResponse(200, "{}");
  auto call = std::make_shared<RequestContext>("req-1");
  {
    ScopedRequestContext scope(call);
    EXPECT_EQ(CurrentRequestContext(), call);
    EXPECT_TRUE(transport->Send(HttpRequest{}).ok());
    EXPECT_TRUE(transport->Send(HttpRequest{}).ok());
    // Another thread serving the same call (a search page fetched ahead).
    std::async(std::launch::async, [&] {
      ScopedRequestContext inner(call);
      EXPECT_TRUE(transport->Send(HttpRequest{}).ok());
    }).get();
  }
  EXPECT_EQ(CurrentRequestContext(), nullptr);
  EXPECT_TRUE(transport->Send(HttpRequest{}).ok());  // no call: untouched
  EXPECT_EQ(call->upstream_calls(), 3);
  EXPECT_EQ(call->upstream_trace_id(), "ghl-trace-1");  // 2xx answers' ids are not errors
  const auto sent = fake->requests();
  ASSERT_EQ(sent.size(), 4u);
  for (int i = 0; i < 3; ++i) EXPECT_THAT(sent[i].headers, Contains(Pair("X-Request-Id", "req-1")));
  EXPECT_THAT(sent[3].headers, Not(Contains(Pair("X-Request-Id", ::testing::_))));
}

TEST(RequestIdHttpTransport, ScopesNest) {
  auto a = std::make_shared<RequestContext>("a");
  auto b = std::make_shared<RequestContext>("b");
  ScopedRequestContext outer(a);
  {
    ScopedRequestContext inner(b);
    EXPECT_EQ(CurrentRequestContext()->request_id(), "b");
  }
  EXPECT_EQ(CurrentRequestContext()->request_id(), "a");
}

}  // namespace
}  // namespace ghl::http
