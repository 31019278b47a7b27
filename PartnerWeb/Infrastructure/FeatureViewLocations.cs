using Microsoft.AspNetCore.Mvc.Razor;

namespace PartnerWeb.Infrastructure;

/// <summary>
/// A feature's views live beside its controller: <c>Features/{Feature}/Views/{View}.cshtml</c>,
/// where the feature is the last segment of the controller's namespace.
/// </summary>
public sealed class FeatureViewLocations : IViewLocationExpander
{
    private const string Key = "feature";

    public void PopulateValues(ViewLocationExpanderContext context)
    {
        if (context.ActionContext.ActionDescriptor is Microsoft.AspNetCore.Mvc.Controllers.ControllerActionDescriptor action
            && action.ControllerTypeInfo.Namespace is { } ns
            && ns.StartsWith("PartnerWeb.Features.", StringComparison.Ordinal))
        {
            context.Values[Key] = ns["PartnerWeb.Features.".Length..].Replace('.', '/');
        }
    }

    public IEnumerable<string> ExpandViewLocations(ViewLocationExpanderContext context, IEnumerable<string> viewLocations) =>
        context.Values.TryGetValue(Key, out var feature) && feature is not null
            ? viewLocations.Prepend($"/Features/{feature}/Views/{{0}}.cshtml")
            : viewLocations;
}
