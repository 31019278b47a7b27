using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace PartnerWeb.Infrastructure;

/// <summary>
/// Enums from the query string, the route and forms bind by name only, as JSON bodies do
/// (<c>JsonStringEnumConverter</c> with integers refused): <c>paid</c>, <c>Paid</c> or, for
/// two-word values, <c>stripe_refund</c>; never <c>1</c> or <c>99</c>, which MVC's default binder
/// would take as a value, defined or not.
/// </summary>
public sealed class NamedEnumModelBinderProvider : IModelBinderProvider
{
    public IModelBinder? GetBinder(ModelBinderProviderContext context)
    {
        var type = Nullable.GetUnderlyingType(context.Metadata.ModelType) ?? context.Metadata.ModelType;
        return type.IsEnum && context.BindingInfo.BindingSource != BindingSource.Body ? new NamedEnumModelBinder(type) : null;
    }
}

public sealed class NamedEnumModelBinder : IModelBinder
{
    private readonly Dictionary<string, object> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _names;

    public NamedEnumModelBinder(Type enumType)
    {
        var names = Enum.GetNames(enumType);
        foreach (var name in names)
        {
            var value = Enum.Parse(enumType, name);
            _values[name] = value;
            _values[JsonNamingPolicy.SnakeCaseLower.ConvertName(name)] = value;
        }
        _names = string.Join(", ", names.Select(JsonNamingPolicy.SnakeCaseLower.ConvertName));
    }

    public Task BindModelAsync(ModelBindingContext bindingContext)
    {
        var result = bindingContext.ValueProvider.GetValue(bindingContext.ModelName);
        if (result == ValueProviderResult.None) return Task.CompletedTask;
        bindingContext.ModelState.SetModelValue(bindingContext.ModelName, result);

        var text = result.FirstValue;
        if (string.IsNullOrEmpty(text) && bindingContext.ModelMetadata.IsReferenceOrNullableType)
            bindingContext.Result = ModelBindingResult.Success(null);
        else if (text is not null && _values.TryGetValue(text, out var value))
            bindingContext.Result = ModelBindingResult.Success(value);
        else
            bindingContext.ModelState.TryAddModelError(bindingContext.ModelName, $"'{text}' is not one of: {_names}.");
        return Task.CompletedTask;
    }
}
