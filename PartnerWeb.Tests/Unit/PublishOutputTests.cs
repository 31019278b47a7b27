using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using PartnerWeb.Tests.Reliability;

namespace PartnerWeb.Tests.Unit;

/// <summary>
/// Security issue, item 9: appsettings.Development.json (its public webhook secrets, the demo switch) is not
/// published. MSBuild itself computes the publish list (the target <c>dotnet publish</c> copies from), so the
/// test holds for whatever way the project file says it, without the minute a full publish takes.
/// </summary>
public sealed class PublishOutputTests
{
    [Fact]
    public async Task The_publish_output_has_appsettings_json_but_not_the_development_settings()
    {
        var configuration = typeof(PublishOutputTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(AppProcess.RepoRoot, "PartnerWeb"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "msbuild", "PartnerWeb.csproj", "-nologo", $"-p:Configuration={configuration}",
                     "-t:ComputeResolvedFilesToPublishList", "-getItem:ResolvedFileToPublish" })
            info.ArgumentList.Add(argument);
        using var msbuild = Process.Start(info)!;
        var output = msbuild.StandardOutput.ReadToEndAsync();
        var errors = msbuild.StandardError.ReadToEndAsync();
        await msbuild.WaitForExitAsync();
        Assert.True(msbuild.ExitCode == 0, $"msbuild exited {msbuild.ExitCode}: {await output} {await errors}");

        var text = await output;
        using var json = JsonDocument.Parse(text[text.IndexOf('{')..]);
        var published = json.RootElement.GetProperty("Items").GetProperty("ResolvedFileToPublish").EnumerateArray()
            .Select(i => i.GetProperty("RelativePath").GetString()!.Replace('\\', '/')).ToList();
        Assert.Contains("appsettings.json", published);
        Assert.Contains("PartnerWeb.dll", published);
        Assert.DoesNotContain(published, p => p.EndsWith("appsettings.Development.json", StringComparison.OrdinalIgnoreCase));
    }
}
