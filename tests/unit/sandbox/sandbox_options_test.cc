#include "tools/ghl-sandbox/sandbox_options.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace ghl::sandbox {
namespace {

// Temporary files written by a test, removed at its end.
class TokensFiles {
 public:
  ~TokensFiles() {
    for (const auto& p : paths_) std::filesystem::remove(p);
  }
  std::string Write(const std::string& text) {
    const char* base = std::getenv("TMPDIR");
    std::string path = absl::StrCat(base && *base ? base : "/tmp", "/ghl-tokens-XXXXXX");
    const int fd = mkstemp(path.data());
    EXPECT_GE(fd, 0);
    if (fd >= 0) close(fd);
    std::ofstream(path, std::ios::trunc) << text;
    paths_.push_back(path);
    return path;
  }

 private:
  std::vector<std::string> paths_;
};

TEST(LoadTokensFileTest, ReadsGrants) {
  TokensFiles files;
  const std::string path = files.Write(
      R"([{"token":"t1","locationId":"L1","scopes":["contacts.readonly","contacts.write"]},)"
      R"({"token":"t2","locationId":"L2","note":"ignored"}])");
  auto grants = LoadTokensFile(path);
  ASSERT_TRUE(grants.ok()) << grants.status();
  ASSERT_EQ(grants->size(), 2u);
  EXPECT_EQ((*grants)[0].token, "t1");
  EXPECT_EQ((*grants)[0].location_id, "L1");
  EXPECT_EQ((*grants)[0].scopes.size(), 2u);
  EXPECT_TRUE((*grants)[1].scopes.empty());
}

TEST(LoadTokensFileTest, ErrorsNameTheEntryNeverTheToken) {
  TokensFiles files;
  const std::string secret = "SECRET-TOKEN-VALUE-123";
  for (const std::string& text : {
           absl::StrCat(R"([{"token":"ok","locationId":"L"},{"token":")", secret, R"("}])"),
           absl::StrCat(R"([{"token":"ok","locationId":"L"},{"token":")", secret, R"(","locationId":"L","scopes":"x"}])"),
           absl::StrCat(R"([{"token":")", secret, R"(","locationId":"L"},{"token":")", secret, R"(","locationId":"M"}])"),
       }) {
    const std::string path = files.Write(text);
    const absl::Status s = LoadTokensFile(path).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StrContains(s.message(), "token #2 in " + path)) << s;
    EXPECT_FALSE(absl::StrContains(s.message(), secret)) << s;
  }
  const std::string broken = files.Write(absl::StrCat(R"([{"token":")", secret, R"(" "locationId":"L"}])"));
  const absl::Status s = LoadTokensFile(broken).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(absl::StrContains(s.message(), secret)) << s;
}

TEST(LoadTokensFileTest, MissingFileAndWrongShape) {
  TokensFiles files;
  EXPECT_EQ(LoadTokensFile("/nonexistent/tokens.json").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(LoadTokensFile(files.Write(R"({"token":"t"})")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ghl::sandbox
