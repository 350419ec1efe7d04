#ifndef SBXAPPLY_OS_FIND_UPWARD_H
#define SBXAPPLY_OS_FIND_UPWARD_H
/*
 * Finding the project's file as Docker Compose finds compose.yaml: in the
 * current directory, else in each parent up to / or until the next parent is
 * on another filesystem (a mount point is a boundary, as git's discovery has).
 */

/*
 * Returns the path of `name` (a regular file) relative to the current
 * directory: "name", "../name", "../../name" ..., malloc'd; NULL when no
 * directory up to the boundary holds one (errno is then ENOENT, or what
 * getcwd/stat failed with).
 */
char *find_upward(const char *name);

#endif
