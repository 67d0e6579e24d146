#include "tools/ghl-sandbox/text_util.h"

#include <regex>
#include <set>
#include <string>

#include "gtest/gtest.h"

namespace ghl::sandbox {
namespace {

TEST(Utf8ToLowerTest, LowercasesScriptsWithCaseAndKeepsOthers) {
  EXPECT_EQ(Utf8ToLower("Pattie NIENOW"), "pattie nienow");
  EXPECT_EQ(Utf8ToLower("ÀÉÎÕÜ ÇÑ ÆØ ß ×"), "àéîõü çñ æø ß ×");
  EXPECT_EQ(Utf8ToLower("ŁÓDŹ ŠŽČ Ōtani"), "łódź šžč ōtani");
  EXPECT_EQ(Utf8ToLower("ΑΒΓ Ωμέγα"), "αβγ ωμέγα");
  EXPECT_EQ(Utf8ToLower("ПРИВЕТ Ёж"), "привет ёж");
  EXPECT_EQ(Utf8ToLower("桜 高瀬 فاطمه النابلي"), "桜 高瀬 فاطمه النابلي");
  EXPECT_EQ(Utf8ToLower("ＡＢＣ"), "ａｂｃ");
}

TEST(Utf8ToLowerTest, InvalidBytesPassThrough) {
  const std::string bad = "A\xff\xc3" "B";
  EXPECT_EQ(Utf8ToLower(bad), "a\xff\xc3" "b");
}

TEST(IsoTimeTest, ParsesAndFormatsGhlTimestamps) {
  EXPECT_EQ(ParseIsoMillis("1970-01-01T00:00:00.000Z"), 0);
  EXPECT_EQ(ParseIsoMillis("2021-07-02T05:18:26.704Z"), 1625203106704);
  EXPECT_EQ(ParseIsoMillis("2021-07-02T05:18:26Z"), 1625203106000);
  EXPECT_EQ(FormatIsoMillis(1625203106704), "2021-07-02T05:18:26.704Z");
  EXPECT_EQ(FormatIsoMillis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIsoMillis(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIsoDate(1625203106704), "2021-07-02");
  for (int64_t ms : {int64_t{951782400000}, int64_t{1546344000123}, int64_t{4102444799999}}) {
    EXPECT_EQ(ParseIsoMillis(FormatIsoMillis(ms)), ms);
  }
}

TEST(IsoTimeTest, RejectsMalformed) {
  for (const char* s : {"", "2021-07-02", "2021-07-02T05:18:26.704", "2021-13-02T05:18:26.704Z",
                        "2021-07-02 05:18:26.704Z", "2021-07-02T05:18:26.Z", "x021-07-02T05:18:26Z"}) {
    EXPECT_FALSE(ParseIsoMillis(s).has_value()) << s;
  }
}

TEST(EmailTest, LooksLikeEmail) {
  EXPECT_TRUE(LooksLikeEmail("rosan@deos.com"));
  EXPECT_TRUE(LooksLikeEmail("a.b+c@sub.example.org"));
  for (const char* s : {"", "plain", "@x.com", "a@", "a@b", "a@b.c", "a b@c.com", "a@@b.com",
                        "a@b..com", "a@.b.com"}) {
    EXPECT_FALSE(LooksLikeEmail(s)) << s;
  }
}

TEST(PhoneTest, NormalizesToE164) {
  EXPECT_EQ(NormalizePhone("+1 888-888-8888"), "+18888888888");
  EXPECT_EQ(NormalizePhone("(415) 555-0101"), "+14155550101");
  EXPECT_EQ(NormalizePhone("+49 30 1234567"), "+49301234567");
  EXPECT_EQ(NormalizePhone("+9713102459047"), "+9713102459047");
  EXPECT_FALSE(NormalizePhone("call me").has_value());
  EXPECT_FALSE(NormalizePhone("123").has_value());
  EXPECT_FALSE(NormalizePhone("1+23456789").has_value());
}

TEST(UrlEncodeTest, KeepsUnreservedOnly) {
  EXPECT_EQ(UrlEncode("aZ0-_.~"), "aZ0-_.~");
  EXPECT_EQ(UrlEncode("a b&c=é"), "a%20b%26c%3D%C3%A9");
}

TEST(SplitMix64Test, IsDeterministicAndInRange) {
  SplitMix64 a(42), b(42), c(43);
  EXPECT_EQ(a.Next(), b.Next());
  EXPECT_NE(SplitMix64(42).Next(), c.Next());
  for (int i = 0; i < 1000; ++i) {
    EXPECT_LT(a.Uniform(7), 7u);
    const int64_t v = a.Between(-3, 3);
    EXPECT_GE(v, -3);
    EXPECT_LE(v, 3);
  }
  EXPECT_NE(MixSeed(1, 0), MixSeed(1, 1));
  EXPECT_EQ(MixSeed(5, 9), MixSeed(5, 9));
}

TEST(IdTest, RandomAlnumIdHasGhlShape) {
  SplitMix64 rng(1);
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const std::string id = RandomAlnumId(rng);
    EXPECT_TRUE(std::regex_match(id, std::regex("[A-Za-z0-9]{20}"))) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST(TraceIdTest, IsUuidV4AndVaries) {
  const std::string a = NewTraceId();
  EXPECT_TRUE(std::regex_match(a, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
      << a;
  EXPECT_NE(a, NewTraceId());
}

TEST(Iso8601Test, AcceptsTheFormsClassValidatorAccepts) {
  const int64_t base = *ParseIsoMillis("2020-10-25T11:00:00.000Z");
  EXPECT_EQ(ParseIso8601("2020-10-25T11:00:00Z"), base);
  EXPECT_EQ(ParseIso8601("2020-10-25T11:00:00.000Z"), base);
  EXPECT_EQ(ParseIso8601("2020-10-25T11:00Z"), base);
  EXPECT_EQ(ParseIso8601("2020-10-25T11:00:00"), base);
  EXPECT_EQ(ParseIso8601("2020-10-25T12:00:00+01:00"), base);
  EXPECT_EQ(ParseIso8601("2020-10-25T09:30:00-0130"), base);
  EXPECT_EQ(ParseIso8601("2020-10-25T13:00:00+02"), base);
  EXPECT_EQ(ParseIso8601("2020-10-25T11:00:00.5Z"), base + 500);
  EXPECT_EQ(ParseIso8601("2020-10-25"), base - 11 * 3600000);
  for (const char* bad :
       {"", "2020", "2020-13-01", "2020-10-25T", "2020-10-25T25:00Z", "2020-10-25 11:00",
        "2020-10-25T11:00:00ZZ", "2020-10-25T11:00:00+1", "tomorrow", "2020-10-25T11:00:00."}) {
    EXPECT_FALSE(ParseIso8601(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace ghl::sandbox
