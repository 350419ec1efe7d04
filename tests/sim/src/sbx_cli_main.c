/*
 * The simulated sbx CLI as a program of its own.  It links only what the
 * sbx side needs (cJSON, libc): sbxsim's runner brings libcurl and
 * libmicrohttpd, whose thirty-odd shared libraries cost each `sbx` call more
 * CPU than the command itself, which on a small machine blurs what the
 * benchmarks measure.  `sbxsim sbx ARGS...` runs the same code.
 */
#include "sbx.h"

int main(int argc, char **argv)
{
	return sbx_main(argc, argv);
}
