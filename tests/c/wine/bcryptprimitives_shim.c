/* TEST ONLY, never shipped: Debian's Wine 8 has no bcryptprimitives.dll,
 * which Rust's std imports on Windows (ProcessPrng; Windows 10 and later
 * have it). scripts/test-c-cross.sh builds this as bcryptprimitives.dll
 * beside the test programs, over advapi32's RtlGenRandom. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG len);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
  for (; len > 0x10000000; data += 0x10000000, len -= 0x10000000)
    if (!SystemFunction036(data, 0x10000000)) return FALSE;
  return SystemFunction036(data, (ULONG)len);
}
