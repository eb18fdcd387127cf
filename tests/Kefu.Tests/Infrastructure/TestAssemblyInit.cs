using System.Runtime.CompilerServices;

namespace Kefu.Tests;

internal static class TestAssemblyInit
{
    /// <summary>Legacy mail charsets (GBK, Big5, ISO-2022-JP, UTF-7…) registered before any test runs, as Kefu does at
    /// start-up: MimeKit resolves a charset once per process and keeps a miss, so a test that used MimeKit before the
    /// first app had started left every later parse decoding those charsets as Latin-1 (seen in CI, order-dependent).</summary>
    [ModuleInitializer]
    internal static void RegisterMailCharsets() => Kefu.Email.EmailParser.RegisterEncodings();
}
