using System.Runtime.InteropServices;
using Kefu.Platform;

namespace Kefu.Tests.Platform;

/// <summary>The one heap trim after start-up (decision 0053): found on glibc, gives freed native memory back, harmless.</summary>
public sealed class NativeHeapTests
{
    private static bool IsGlibcLinux => OperatingSystem.IsLinux() && !File.Exists("/etc/alpine-release");

    [Fact]
    public void Trimming_returns_freed_native_memory_to_the_system_and_the_heap_stays_usable()
    {
        Assert.Equal(IsGlibcLinux, NativeHeap.CanTrim);
        if (!IsGlibcLinux)
        {
            Assert.False(NativeHeap.Trim());
            return;
        }

        // 64 MiB in blocks malloc serves from its heap (below the mmap threshold), written so they are resident, then freed
        // except the last one, which keeps the freed space below it from being released at the heap's top by free itself.
        const int block = 64 * 1024, count = 1024;
        var blocks = new nint[count];
        for (var i = 0; i < count; i++)
        {
            blocks[i] = Marshal.AllocHGlobal(block);
            for (var off = 0; off < block; off += 4096) Marshal.WriteByte(blocks[i], off, 1);
        }
        for (var i = 0; i < count - 1; i++) Marshal.FreeHGlobal(blocks[i]);
        var before = RssAnonKiB();

        Assert.True(NativeHeap.Trim());

        var released = before - RssAnonKiB();
        Assert.True(released > 32 * 1024, $"RssAnon fell by {released} KiB of the 64 MiB freed");
        // The heap keeps working: allocate, use and free again.
        var again = Marshal.AllocHGlobal(block);
        Marshal.WriteByte(again, block - 1, 2);
        Assert.Equal(2, Marshal.ReadByte(again, block - 1));
        Marshal.FreeHGlobal(again);
        Marshal.FreeHGlobal(blocks[count - 1]);
    }

    private static long RssAnonKiB() => long.Parse(File.ReadLines("/proc/self/status")
        .First(l => l.StartsWith("RssAnon:", StringComparison.Ordinal))["RssAnon:".Length..].Trim().Split(' ')[0]);
}
