using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Mvc.Filters;

namespace PartnerWeb.Infrastructure;

/// <summary>
/// Text the app stores is shown to people: control characters (NUL, escape sequences …) and the
/// bidirectional overrides that can make a name read as something else are refused with 400, on the
/// API and the pages alike, before any action runs. Applies to the string properties of bound
/// arguments (request bodies, forms, queries).
/// </summary>
public sealed class RejectControlCharacters : IActionFilter
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> StringProperties = new();

    public void OnActionExecuting(ActionExecutingContext context)
    {
        foreach (var (name, value) in context.ActionArguments)
        {
            switch (value)
            {
                case string text when IsHostile(text):
                    context.ModelState.AddModelError(name, $"{name} contains control or direction-override characters.");
                    break;
                case { } model when model.GetType().IsClass && model.GetType().Namespace?.StartsWith("PartnerWeb", StringComparison.Ordinal) == true:
                    foreach (var property in StringProperties.GetOrAdd(model.GetType(), Strings))
                    {
                        if (property.GetValue(model) is string text && IsHostile(text))
                            context.ModelState.AddModelError(property.Name, $"{property.Name} contains control or direction-override characters.");
                    }
                    break;
            }
        }
        if (context.ModelState.IsValid) return;
        context.Result = context.Controller is ApiControllerBase api
            ? api.ValidationProblem(context.ModelState)
            : new Microsoft.AspNetCore.Mvc.ContentResult
            {
                StatusCode = StatusCodes.Status400BadRequest,
                ContentType = "text/html; charset=utf-8",
                Content = "<p class=\"error\" role=\"alert\">The input contains control or direction-override characters.</p>",
            };
    }

    public void OnActionExecuted(ActionExecutedContext context) { }

    public static bool IsHostile(string text) =>
        text.Any(c => (char.IsControl(c) && c is not ('\n' or '\r' or '\t')) || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069');

    private static PropertyInfo[] Strings(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.PropertyType == typeof(string) && p.GetIndexParameters().Length == 0).ToArray();
}
