using Microsoft.AspNetCore.Html;

namespace PartnerWeb.Features.Dashboards;

/// <summary>
/// The bits of markup forms and tables repeat (a field's errors, a form's errors, a status badge) as functions, not
/// partial views: a page draws them once per field or row, dozens of times, and each partial costs a view lookup and
/// activation. Text is HTML-encoded as Razor would.
/// </summary>
public static class Markup
{
    public static IHtmlContent FieldErrors(string[] messages)
    {
        if (messages.Length == 0) return HtmlString.Empty;
        var html = new HtmlContentBuilder(messages.Length * 3);
        foreach (var message in messages) html.AppendHtml("<span class=\"error field-error\">").Append(message).AppendHtml("</span>");
        return html;
    }

    public static IHtmlContent Errors(FormErrors errors)
    {
        if (!errors.Any) return HtmlString.Empty;
        var html = new HtmlContentBuilder().AppendHtml("<div class=\"error\" role=\"alert\"><ul>");
        foreach (var message in errors.All) html.AppendHtml("<li>").Append(message).AppendHtml("</li>");
        return html.AppendHtml("</ul></div>");
    }

    public static IHtmlContent StatusBadge(string status)
    {
        var name = status.ToLowerInvariant();
        return new HtmlContentBuilder(5).AppendHtml("<span class=\"badge badge-").Append(name).AppendHtml("\">").Append(name).AppendHtml("</span>");
    }
}
