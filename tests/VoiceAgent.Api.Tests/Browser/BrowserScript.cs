using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace VoiceAgent.Api.Tests.Browser;

/// <summary>
/// Runs a node script of tests/browser (playwright-core driving Debian's chromium) and returns its JSON report. A missing
/// node, chromium or node_modules fails the test with the command that installs it, never a silent pass.
/// </summary>
public static class BrowserScript
{
    public const string InstallHint = "Run ./test.sh (it installs chromium and the npm packages), or by hand: sudo apt-get install -y chromium nodejs && npm ci --prefix tests/browser";

    /// <summary>The folder holding VoiceAgent.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string ScriptsDir => Path.Combine(RepoRoot, "tests", "browser");

    /// <summary>Where screenshots go: TestResults/browser/ at the repository root (ignored by git).</summary>
    public static string ArtifactsDir
    {
        get
        {
            var dir = Path.Combine(RepoRoot, "TestResults", "browser");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }

    public static string ChromiumPath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } p ? p : "/usr/bin/chromium";

    /// <summary>Fails the test, saying how to install, when something the browser tests need is missing.</summary>
    public static void RequirePrerequisites()
    {
        var missing = new List<string>();
        if (FindOnPath("node") is null)
        {
            missing.Add("node (Node.js 18 or later) is not on PATH");
        }

        if (!File.Exists(ChromiumPath))
        {
            missing.Add($"chromium is not installed at {ChromiumPath}");
        }

        if (!File.Exists(Path.Combine(ScriptsDir, "node_modules", "playwright-core", "package.json")))
        {
            missing.Add("tests/browser/node_modules is missing (npm ci --prefix tests/browser)");
        }

        if (missing.Count > 0)
        {
            Assert.Fail($"The browser test cannot run: {string.Join("; ", missing)}. {InstallHint}");
        }
    }

    /// <summary>Runs <c>node tests/browser/{script} args…</c>; returns the JSON object it printed last, with its stderr.</summary>
    public static async Task<(JsonElement Report, string Stderr)> RunAsync(string script, TimeSpan timeout, params string[] args)
    {
        RequirePrerequisites();
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = ScriptsDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
        };
        psi.ArgumentList.Add(Path.Combine(ScriptsDir, script));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["CHROMIUM_PATH"] = ChromiumPath;
        using var process = StartOrFail(psi);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node {script} took over {timeout.TotalSeconds:0} s and was killed. stderr: {await stderr}");
        }

        var output = await stdout;
        var lastJson = output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith('{'));
        if (lastJson is null)
        {
            Assert.Fail($"node {script} exited {process.ExitCode} without a JSON report. stdout: {output} stderr: {await stderr}");
        }

        return (JsonDocument.Parse(lastJson).RootElement.Clone(), await stderr);
    }

    private static Process StartOrFail(ProcessStartInfo psi)
    {
        try
        {
            return Process.Start(psi)!;
        }
        catch (Win32Exception ex)
        {
            Assert.Fail($"Could not start node: {ex.Message}. {InstallHint}");
            throw; // unreachable: Assert.Fail throws
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "VoiceAgent.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No VoiceAgent.sln above {AppContext.BaseDirectory}.");
    }
}
