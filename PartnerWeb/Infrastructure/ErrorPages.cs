using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using PartnerWeb.Auth;

namespace PartnerWeb.Infrastructure;

/// <summary>What an error page shows: the status, what happened, why, and a reference for a server error.</summary>
public sealed record ErrorPageModel(int Status, string Title, string Reason, string? Reference);

/// <summary>
/// Errors of page requests, written by <see cref="ErrorHandling.WriteAsync"/>. A page gets the site's layout
/// (rendered here rather than by re-executing the request: a failing database or a refused user would fail
/// the second pass too). An htmx request gets one line that replaces the layout's <c>#flash</c>
/// (HX-Retarget), so the fragment the user was working in stays as it was.
/// </summary>
public static class ErrorPages
{
    public const string ViewPath = "~/Views/Shared/Error.cshtml";
    public const string FlashId = "flash";

    public static async Task WriteAsync(HttpContext http, int status, string title, string? detail)
    {
        var model = new ErrorPageModel(status, title, detail ?? Reason(http, status),
            status >= 500 ? http.TraceIdentifier : null);
        if (http.Request.IsHtmx())
        {
            await WriteFlashAsync(http, $"{model.Title} {model.Reason}".Trim());
            return;
        }
        try
        {
            await RenderAsync(http, model);
        }
        catch (Exception ex) when (!http.Response.HasStarted)
        {
            // The layout could not be drawn (the error may be what broke it): the plain page still says why.
            http.RequestServices.GetRequiredService<ILogger<ErrorPageModel>>().LogError(ex, "The error page could not be rendered");
            http.Response.StatusCode = status;
            http.Response.ContentType = "text/html; charset=utf-8";
            await http.Response.WriteAsync(
                $"<!doctype html><html><head><title>{status}</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head>" +
                $"<body><main class=\"container\"><h1>{Encode(model.Title)}</h1><p>{Encode(model.Reason)}</p><p><a href=\"/\">Home</a></p></main></body></html>");
        }
    }

    /// <summary>The message htmx puts in place of the layout's flash area; site.js hides it again on the next request.</summary>
    public static Task WriteFlashAsync(HttpContext http, string message)
    {
        http.Response.Headers["HX-Retarget"] = "#" + FlashId;
        http.Response.Headers["HX-Reswap"] = "outerHTML";
        http.Response.ContentType = "text/html; charset=utf-8";
        return http.Response.WriteAsync($"<div id=\"{FlashId}\" class=\"error flash\" role=\"alert\">{Encode(message)}</div>");
    }

    private static async Task RenderAsync(HttpContext http, ErrorPageModel model)
    {
        var metadata = http.RequestServices.GetRequiredService<IModelMetadataProvider>();
        var result = new ViewResult
        {
            ViewName = ViewPath,
            StatusCode = model.Status,
            ViewData = new ViewDataDictionary<ErrorPageModel>(metadata, new ModelStateDictionary()) { Model = model, ["Title"] = model.Title },
        };
        await result.ExecuteResultAsync(new ActionContext(http, http.GetRouteData(), new ActionDescriptor()));
    }

    /// <summary>Why, in the words of someone using the pages.</summary>
    private static string Reason(HttpContext http, int status) => status switch
    {
        400 => "The form could not be accepted; it may have been open too long. Reload the page and try again.",
        401 => "Sign in to continue.",
        403 => Forbidden(http),
        404 => "There is nothing at this address, or it is not something your organisation can see.",
        405 when HttpMethods.IsGet(http.Request.Method) =>
            "This address is an action that a button on its page sends; it cannot be opened as a page. Go back to the page and use its button.",
        405 => $"This address does not take {http.Request.Method} requests.",
        500 => "Something went wrong on our side and it was logged. Try again; if it keeps happening, tell the platform team the reference below.",
        503 => "The service is unavailable for a moment. Try again shortly.",
        _ => "",
    };

    /// <summary>The endpoint's rule names who may use it; a refusal that no rule explains stays general.</summary>
    private static string Forbidden(HttpContext http)
    {
        var policies = http.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToHashSet() ?? [];
        var user = UserInfo.FromPrincipal(http.User);
        if (policies.Contains(Policies.PlatformAdmin) || policies.Contains(Policies.HangfireDashboard))
            return "This page is for platform admins (owners and admins of the platform's organisation).";
        if (policies.Contains(Policies.TenantAdmin))
            return $"This page is for owners and admins of an organisation{(user is null ? "" : $"; you are {user.Role.ToString().ToLowerInvariant()}")}. Ask one of them if you need it.";
        return "Your role does not allow this. Ask an owner or admin of your organisation if you need it.";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
