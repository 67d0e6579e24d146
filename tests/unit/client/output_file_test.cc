#include "client/output_file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/client/temp_dir.h"

namespace ghl::client {
using ::ghl::client::testing::TempDir;
namespace {

using ::testing::HasSubstr;

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(OutputFile, ReplacesARegularFileOnlyWhenComplete) {
  TempDir dir;
  const std::string path = dir.File("out.jsonl");
  std::ofstream(path) << "old";
  auto out = OutputFile::Create(path);
  ASSERT_TRUE(out.ok()) << out.status();
  ASSERT_TRUE((*out)->Write("new\n").ok());
  EXPECT_EQ(Slurp(path), "old");
  ASSERT_TRUE((*out)->Commit().ok());
  EXPECT_EQ(Slurp(path), "new\n");
}

TEST(OutputFile, RefusesSymlinksFifosAndDirectories) {
  TempDir dir;
  const std::string target = dir.File("target");
  std::ofstream(target) << "keep me";
  const std::string link = dir.File("link.jsonl");
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  const std::string fifo = dir.File("fifo.jsonl");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  for (const std::string& path : {link, fifo, dir.File("")}) {
    auto out = OutputFile::Create(path);
    ASSERT_FALSE(out.ok()) << path;
    EXPECT_THAT(std::string(out.status().message()), HasSubstr("not a regular file"));
  }
  struct stat st;
  ASSERT_EQ(::lstat(link.c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  EXPECT_EQ(Slurp(target), "keep me");
}

}  // namespace
}  // namespace ghl::client
