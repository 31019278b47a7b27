namespace PartnerWeb.Infrastructure;

/// <summary>A refusal a service hands back to its caller, who renders it as problem details or a page message.</summary>
public sealed record AppError(int Status, string Title, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public const string ValidationTitle = "One or more validation errors occurred.";

    public static AppError NotFound(string what) => new(StatusCodes.Status404NotFound, $"{what} was not found.");
    public static AppError Conflict(string title) => new(StatusCodes.Status409Conflict, title);
    public static AppError Forbidden(string title) => new(StatusCodes.Status403Forbidden, title);

    public static AppError Validation(string field, string message) =>
        new(StatusCodes.Status400BadRequest, ValidationTitle, new Dictionary<string, string[]> { [field] = [message] });

    public static AppError Validation(IReadOnlyDictionary<string, string[]> errors) =>
        new(StatusCodes.Status400BadRequest, ValidationTitle, errors);
}

/// <summary>Either a value or an <see cref="AppError"/>.</summary>
public readonly struct Result<T>
{
    private Result(T? value, AppError? error) => (Value, Error) = (value, error);

    public T? Value { get; }
    public AppError? Error { get; }
    public bool IsSuccess => Error is null;

    public static implicit operator Result<T>(T value) => new(value, null);
    public static implicit operator Result<T>(AppError error) => new(default, error);
}
