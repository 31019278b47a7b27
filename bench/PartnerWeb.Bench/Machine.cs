using System.Runtime.InteropServices;

namespace PartnerWeb.Bench;

internal static class Machine
{
    public static void Describe(Dictionary<string, string> into)
    {
        into["CPU"] = ReadFirst("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString();
        into["Cores"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var memKb = ReadFirst("/proc/meminfo", "MemTotal");
        if (memKb is not null && long.TryParse(new string(memKb.Where(char.IsDigit).ToArray()), out var kb))
            into["Memory"] = $"{kb / 1024.0 / 1024.0:F1} GiB";
        into["OS"] = (ReadOsRelease() ?? RuntimeInformation.OSDescription) + ", kernel " + Environment.OSVersion.Version;
        into[".NET runtime"] = RuntimeInformation.FrameworkDescription;
        into["SQLite (Microsoft.Data.Sqlite)"] = Ceiling.SqliteVersion();
        into["Microsoft.Data.Sqlite"] = typeof(Microsoft.Data.Sqlite.SqliteConnection).Assembly.GetName().Version?.ToString() ?? "?";
    }

    private static string? ReadFirst(string path, string key)
    {
        try
        {
            return File.ReadLines(path).Where(l => l.StartsWith(key, StringComparison.Ordinal))
                .Select(l => l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()).FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? ReadOsRelease()
    {
        try
        {
            return File.ReadLines("/etc/os-release").Where(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
                .Select(l => l["PRETTY_NAME=".Length..].Trim('"')).FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
    }
}
