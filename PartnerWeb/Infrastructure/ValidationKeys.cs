using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PartnerWeb.Infrastructure;

/// <summary>
/// One key convention for every API validation error: the camelCase field or query parameter name, nested fields
/// dotted (<c>payoutPreferences.iban</c>), array items indexed (<c>lines[0].amount</c>), the body as a whole under
/// the empty key. ModelState gets its keys from three sources that disagree: query binding uses the C# property
/// name (<c>Limit</c>), System.Text.Json errors their JSON path (<c>$.price</c>), and a body that could not be read
/// adds a second, implicit "required" error under the parameter's name (<c>request</c>). Every 400 of the API
/// (the automatic one and each <c>ValidationProblem</c>) is written by the <see cref="ProblemDetailsFactory"/>,
/// so this decorates it, and the keys are made once, there.
/// </summary>
public sealed partial class ValidationKeys(ProblemDetailsFactory inner) : ProblemDetailsFactory
{
    /// <summary>Wraps the factory MVC registered; call after AddControllers.</summary>
    public static IServiceCollection Use(IServiceCollection services)
    {
        var registered = services.Last(d => d.ServiceType == typeof(ProblemDetailsFactory));
        services.Replace(ServiceDescriptor.Singleton<ProblemDetailsFactory>(sp => new ValidationKeys(
            registered.ImplementationInstance as ProblemDetailsFactory
            ?? registered.ImplementationFactory?.Invoke(sp) as ProblemDetailsFactory
            ?? (ProblemDetailsFactory)ActivatorUtilities.CreateInstance(sp, registered.ImplementationType!))));
        return services;
    }

    public override ProblemDetails CreateProblemDetails(HttpContext httpContext, int? statusCode = null, string? title = null,
        string? type = null, string? detail = null, string? instance = null) =>
        inner.CreateProblemDetails(httpContext, statusCode, title, type, detail, instance);

    public override ValidationProblemDetails CreateValidationProblemDetails(HttpContext httpContext, ModelStateDictionary modelStateDictionary,
        int? statusCode = null, string? title = null, string? type = null, string? detail = null, string? instance = null) =>
        inner.CreateValidationProblemDetails(httpContext, Normalize(httpContext, modelStateDictionary), statusCode, title, type, detail, instance);

    private static ModelStateDictionary Normalize(HttpContext http, ModelStateDictionary state)
    {
        var bodies = http.GetEndpoint()?.Metadata.GetMetadata<ControllerActionDescriptor>()?.Parameters
            .Where(p => p.BindingInfo?.BindingSource == BindingSource.Body).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
        var invalid = state.Where(e => e.Value is { Errors.Count: > 0 }).Select(e => (e.Key, Errors: e.Value!.Errors)).ToList();
        var normalized = new ModelStateDictionary();
        foreach (var (key, errors) in invalid)
        {
            // The implicit "The request field is required." of a body the reader already refused says nothing new.
            if (bodies.Contains(key) && invalid.Count > 1) continue;
            var name = bodies.Contains(key) ? "" : Key(key);
            foreach (var error in errors)
                normalized.AddModelError(name, error.ErrorMessage is { Length: > 0 } message ? message : "The input was not valid.");
        }
        return normalized;
    }

    /// <summary><c>$.payoutPreferences.iban</c>, <c>$['odd key']</c>, <c>Limit</c>, <c>Lines[0].Amount</c> → camelCase, dotted, without <c>$</c>.</summary>
    public static string Key(string key)
    {
        if (key.StartsWith('$')) key = BracketName().Replace(key[1..], ".$1").TrimStart('.');
        return string.Join('.', key.Split('.').Select(segment => segment.Length == 0 ? segment : JsonNamingPolicy.CamelCase.ConvertName(segment)));
    }

    [GeneratedRegex(@"\['((?:[^'\\]|\\.)*)'\]")]
    private static partial Regex BracketName();
}
