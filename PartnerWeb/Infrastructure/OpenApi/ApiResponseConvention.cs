using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using PartnerWeb.Auth;

namespace PartnerWeb.Infrastructure.OpenApi;

/// <summary>
/// Declares, once for every <c>/api</c> action, the answers that follow from what the action is, so the
/// OpenAPI document and the endpoint metadata say the same thing without attributes on every action:
/// a success (200 unless the action names its own 2xx), 400 validation problem when it binds a body or a
/// query, 401 unless anonymous, 403 when a named policy guards it, 404 when its route has an id,
/// 413 and 415 (not <c>application/json</c>) when it takes a body, 429 when it is rate limited. 405 is no
/// operation's answer (it answers a method the path does not have): the document's overview states it. What only the action knows (409, a 404 of a
/// <c>/me</c> route, 503) it declares itself with <see cref="ProblemResponseAttribute"/>.
/// </summary>
public sealed class ApiResponseConvention : IActionModelConvention
{
    public const string ProblemJson = "application/problem+json";

    public void Apply(ActionModel action)
    {
        if (!typeof(ApiControllerBase).IsAssignableFrom(action.Controller.ControllerType)) return;

        var attributes = action.Attributes.Concat(action.Controller.Attributes).ToList();
        var declared = attributes.OfType<IApiResponseMetadataProvider>().Select(m => m.StatusCode).ToHashSet();
        var sources = action.Parameters.Select(p => p.BindingInfo?.BindingSource).ToList();
        var hasBody = sources.Contains(BindingSource.Body);

        var responses = new List<ProducesResponseTypeAttribute>();
        if (!declared.Any(s => s is >= 200 and < 300))
            responses.Add(new ProducesResponseTypeAttribute(StatusCodes.Status200OK));
        if (hasBody || sources.Contains(BindingSource.Query))
            responses.Add(new ProducesResponseTypeAttribute(typeof(ValidationProblemDetails), StatusCodes.Status400BadRequest, ProblemJson));
        if (!attributes.OfType<IAllowAnonymous>().Any())
            responses.Add(new ProblemResponseAttribute(StatusCodes.Status401Unauthorized));
        if (attributes.OfType<IAuthorizeData>().Any(a => a.Policy is not null || a.Roles is not null))
            responses.Add(new ProblemResponseAttribute(StatusCodes.Status403Forbidden));
        if (sources.Contains(BindingSource.Path))
            responses.Add(new ProblemResponseAttribute(StatusCodes.Status404NotFound));
        if (hasBody)
        {
            responses.Add(new ProblemResponseAttribute(StatusCodes.Status413PayloadTooLarge));
            responses.Add(new ProblemResponseAttribute(StatusCodes.Status415UnsupportedMediaType));
        }
        if (attributes.OfType<PartnerWriteLimitAttribute>().Any())
            responses.Add(new ProblemResponseAttribute(StatusCodes.Status429TooManyRequests));

        // Action filters feed ApiExplorer (so the document) and are copied into the endpoint's metadata.
        foreach (var response in responses.Where(r => declared.Add(r.StatusCode))) action.Filters.Add(response);
    }
}

/// <summary>An RFC 7807 problem-details answer an API action can give, with its status code.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true)]
public sealed class ProblemResponseAttribute(int statusCode)
    : ProducesResponseTypeAttribute(typeof(ProblemDetails), statusCode, ApiResponseConvention.ProblemJson);
