using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Mvc;

namespace PartnerWeb.Infrastructure;

/// <summary>A CSV file written straight to the response as rows are read: memory stays flat whatever the row count.</summary>
public sealed class CsvDownload(string fileName, Func<CsvWriter, CancellationToken, Task> writeRowsAsync) : ActionResult
{
    public string FileName => fileName;

    public override async Task ExecuteResultAsync(ActionContext context)
    {
        var response = context.HttpContext.Response;
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{FileName}\"";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(false), bufferSize: 16 * 1024);
        await writeRowsAsync(new CsvWriter(writer), context.HttpContext.RequestAborted);
        await writer.FlushAsync(context.HttpContext.RequestAborted);
    }
}

/// <summary>RFC 4180 rows. Text that a spreadsheet would run as a formula is prefixed with a quote.</summary>
public sealed class CsvWriter(TextWriter writer)
{
    public Task RowAsync(params object?[] fields) => writer.WriteLineAsync(string.Join(',', fields.Select(Field)));

    private static string Field(object? value) => value switch
    {
        null => "",
        DateTime d => d.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Text(value.ToString() ?? ""),
    };

    private static string Text(string text)
    {
        if (text.Length > 0 && "=+-@\t\r".Contains(text[0])) text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"")}\"" : text;
    }
}

