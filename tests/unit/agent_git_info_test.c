/* src/agent/git_info.c: git_repo_root walks up to the nearest directory with a .git
 * entry, ending at the root (which path_root_len bounds: "/" here, "C:/" on Windows). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "agent/internal.h"
#include "test.h"

TEST(git_repo_root_finds_the_nearest_repository)
{
	const char *tmp = test_tmpdir();
	char repo[512], deep[600], git[600], *root;

	snprintf(repo, sizeof repo, "%s/repo", tmp);
	snprintf(git, sizeof git, "%s/.git", repo);
	snprintf(deep, sizeof deep, "%s/a/b", repo);
	REQUIRE(mkdir(repo, 0700) == 0);
	REQUIRE(mkdir(git, 0700) == 0);
	snprintf(git, sizeof git, "%s/a", repo);
	REQUIRE(mkdir(git, 0700) == 0);
	REQUIRE(mkdir(deep, 0700) == 0);
	root = git_repo_root(deep);
	REQUIRE(root);
	CHECK_STR(root, repo);
	free(root);
	root = git_repo_root(repo);
	REQUIRE(root);
	CHECK_STR(root, repo);
	free(root);
}

TEST(git_repo_root_outside_a_repository_stops_at_the_root)
{
	char *root;

	/* Nothing above /proc/self is a repository (unless "/" is): the walk must end. */
	root = git_repo_root("/proc/self");
	CHECK(root == NULL || strcmp(root, "/") == 0);
	free(root);
}
