using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Filters;
using PartnerWeb.Domain;

namespace PartnerWeb.Infrastructure;

/// <summary>
/// Text the app stores is shown to people: strings holding control, direction or invisible formatting characters
/// (<see cref="TextSafety.IsHostile"/>) are refused with 400, on the API and the pages alike, before any action
/// runs. Every string of the bound arguments counts, at any depth: request bodies with nested records (payout
/// preferences) and collections, JSON values, forms and queries. The refusal names where the string was
/// (<c>payoutPreferences.iban</c>); a page action marked <see cref="RefusalsInFormAttribute"/> gets the refusals in
/// ModelState and shows them beside their fields. Other validation errors are not this filter's: they keep their own answers.
/// </summary>
public sealed class RejectControlCharacters : IActionFilter
{
    private const int MaxDepth = 16;
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();

    public void OnActionExecuting(ActionExecutingContext context)
    {
        var hostile = new List<string>();
        // A simple argument is named as bound (?from=); a model's fields by their own names (displayName, not request.displayName).
        foreach (var (name, value) in context.ActionArguments) Walk(value, value is string ? name : "", 0, hostile);
        if (hostile.Count == 0) return;

        foreach (var path in hostile) context.ModelState.AddModelError(path, $"{path} {TextSafety.Refusal}");
        if (context.Controller is ApiControllerBase api)
        {
            context.Result = api.ValidationProblem(context.ModelState);
            return;
        }
        if (context.ActionDescriptor.EndpointMetadata.OfType<RefusalsInFormAttribute>().Any()) return;
        context.Result = PageRefusal(context.HttpContext);
    }

    /// <summary>
    /// For a page action that does not re-render its form: htmx puts the message in the page's flash area rather
    /// than in place of the fragment the form targets, which would vanish until a reload.
    /// </summary>
    private static Microsoft.AspNetCore.Mvc.ContentResult PageRefusal(HttpContext http)
    {
        var message = $"The input {TextSafety.Refusal}";
        var htmx = http.Request.IsHtmx();
        if (htmx)
        {
            http.Response.Headers["HX-Retarget"] = "#flash";
            http.Response.Headers["HX-Reswap"] = "outerHTML";
        }
        return new Microsoft.AspNetCore.Mvc.ContentResult
        {
            StatusCode = StatusCodes.Status400BadRequest,
            ContentType = "text/html; charset=utf-8",
            Content = htmx ? $"<div id=\"flash\" class=\"error flash\" role=\"alert\">{message}</div>" : $"<p class=\"error\" role=\"alert\">{message}</p>",
        };
    }

    public void OnActionExecuted(ActionExecutedContext context) { }

    /// <summary>Adds the path of every hostile string under <paramref name="value"/>.</summary>
    private static void Walk(object? value, string path, int depth, List<string> hostile)
    {
        if (depth > MaxDepth) return;
        switch (value)
        {
            case null:
                return;
            case string text:
                if (TextSafety.IsHostile(text)) hostile.Add(path);
                return;
            case JsonElement json:
                WalkJson(json, path, depth, hostile);
                return;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    Walk(entry.Key as string, path, depth + 1, hostile);
                    Walk(entry.Value, Join(path, $"{entry.Key}"), depth + 1, hostile);
                }
                return;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items) Walk(item, $"{path}[{index++}]", depth + 1, hostile);
                return;
        }
        var type = value.GetType();
        if (!type.IsClass || type.Namespace?.StartsWith("PartnerWeb", StringComparison.Ordinal) != true) return;
        foreach (var property in Properties.GetOrAdd(type, Readable))
            Walk(property.GetValue(value), Join(path, JsonNamingPolicy.CamelCase.ConvertName(property.Name)), depth + 1, hostile);
    }

    private static void WalkJson(JsonElement json, string path, int depth, List<string> hostile)
    {
        if (depth > MaxDepth) return;
        switch (json.ValueKind)
        {
            case JsonValueKind.String:
                Walk(json.GetString(), path, depth, hostile);
                break;
            case JsonValueKind.Object:
                foreach (var property in json.EnumerateObject())
                {
                    Walk(property.Name, path, depth + 1, hostile);
                    WalkJson(property.Value, Join(path, property.Name), depth + 1, hostile);
                }
                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in json.EnumerateArray()) WalkJson(item, $"{path}[{index++}]", depth + 1, hostile);
                break;
        }
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>The properties that can hold text: computed values of other types are not read.</summary>
    private static PropertyInfo[] Readable(Type type) => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && MayHoldText(p.PropertyType)).ToArray();

    private static bool MayHoldText(Type type) =>
        type == typeof(string) || type == typeof(JsonElement) || type == typeof(JsonElement?) || typeof(IEnumerable).IsAssignableFrom(type)
        || (type.IsClass && type.Namespace?.StartsWith("PartnerWeb", StringComparison.Ordinal) == true);
}
