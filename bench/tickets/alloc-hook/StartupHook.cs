// Writes "allocated_bytes gen0 gen1 gen2 cpu_ms" of this process to $ALLOC_HOOK_FILE whenever $ALLOC_HOOK_FILE.req appears.
internal class StartupHook
{
    public static void Initialize()
    {
        var file = Environment.GetEnvironmentVariable("ALLOC_HOOK_FILE");
        if (string.IsNullOrEmpty(file)) return;
        var t = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(50);
                if (!File.Exists(file + ".req")) continue;
                File.Delete(file + ".req");
                var line = $"{GC.GetTotalAllocatedBytes(true)} {GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds:F0}\n";
                File.AppendAllText(file, line);
            }
        }) { IsBackground = true, Name = "alloc-hook" };
        t.Start();
    }
}
