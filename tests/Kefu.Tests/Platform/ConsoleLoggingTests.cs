using Kefu.Demo;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Kefu.Tests.Platform;

/// <summary>The console is for a person: one readable line per entry by default, JSON only when configured, and the
/// start banner in one piece.</summary>
[Collection(SqliteCollection.Name)]
public sealed class ConsoleLoggingTests(SqliteApp app)
{
    [Fact]
    public void The_console_shows_single_line_text_by_default()
    {
        var console = app.Service<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue;
        Assert.Equal(ConsoleFormatterNames.Simple, console.FormatterName);
        var simple = app.Service<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue;
        Assert.True(simple.SingleLine);
        Assert.False(simple.IncludeScopes);
    }

    [Fact]
    public void Structured_json_is_one_setting_away()
    {
        // The shipped appsettings.json with the documented override, as `Logging__Console__FormatterName=json` gives it.
        var config = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(SourceRoot(), "src", "Kefu", "appsettings.json"))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Console:FormatterName"] = "json" })
            .Build();
        var services = new ServiceCollection().AddLogging(b => b.AddConfiguration(config.GetSection("Logging")).AddConsole()).BuildServiceProvider();
        Assert.Equal(ConsoleFormatterNames.Json, services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    [Fact]
    public void The_banner_is_plain_lines_with_the_address_and_the_sign_in()
    {
        var banner = Startup.Banner(["http://127.0.0.1:5080"], "Sign in as 'admin' with password 'x'.", "kfp_demo");
        var lines = banner.Split(Environment.NewLine);
        Assert.Contains(lines, l => l.StartsWith("Kefu is running at http://127.0.0.1:5080", StringComparison.Ordinal));
        Assert.Contains("Sign in as 'admin' with password 'x'.", lines);
        Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith('{')); // no JSON log line
    }

    private static string SourceRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Kefu.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Kefu.slnx not found above the test folder.");
    }
}
